/**
 * `[kms] provider = "pkcs11"`: data keys are wrapped with AES-256-GCM by a key that lives
 * in an HSM and never leaves it (created there non-extractable and sensitive when the
 * token has none under `key_label`). Reached through PKCS#11 (pkcs11js); SoftHSM2 is the
 * test HSM. Every process opens its own session on the same token and key.
 */
import { randomBytes } from "node:crypto";
import type * as Pkcs11 from "pkcs11js";
import type { KmsProvider } from "./kms";

export interface Pkcs11Options {
  module: string;
  tokenLabel: string;
  pin: string;
  keyLabel: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class Pkcs11Kms implements KmsProvider {
  readonly keyId: string;

  private constructor(
    private readonly lib: typeof Pkcs11,
    private readonly p11: Pkcs11.PKCS11,
    private readonly session: Pkcs11.Handle,
    private readonly key: Pkcs11.Handle,
    opts: Pkcs11Options,
  ) {
    this.keyId = `pkcs11:${opts.tokenLabel}/${opts.keyLabel}`;
  }

  /** Loads the module, logs in to the token named `tokenLabel` and finds (or creates, inside the HSM) the wrapping key. */
  static async open(opts: Pkcs11Options): Promise<Pkcs11Kms> {
    const lib = (await import("pkcs11js")).default as unknown as typeof Pkcs11;
    const p11 = new lib.PKCS11();
    p11.load(opts.module);
    p11.C_Initialize();
    try {
      const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === opts.tokenLabel);
      if (!slot) throw new Error(`no PKCS#11 token labelled "${opts.tokenLabel}" in ${opts.module}`);
      const session = p11.C_OpenSession(slot, lib.CKF_RW_SESSION | lib.CKF_SERIAL_SESSION);
      p11.C_Login(session, lib.CKU_USER, opts.pin);
      const key = findKey(lib, p11, session, opts.keyLabel) ?? createKey(lib, p11, session, opts.keyLabel);
      return new Pkcs11Kms(lib, p11, session, key, opts);
    } catch (err) {
      p11.C_Finalize();
      throw err;
    }
  }

  async wrap(dataKey: Buffer, context: string): Promise<string> {
    const iv = randomBytes(IV_BYTES);
    this.p11.C_EncryptInit(this.session, this.mechanism(iv, context), this.key);
    const sealed = this.p11.C_Encrypt(this.session, dataKey, Buffer.alloc(dataKey.length + TAG_BYTES));
    return Buffer.concat([iv, sealed]).toString("base64");
  }

  async unwrap(wrapped: string, context: string): Promise<Buffer> {
    const raw = Buffer.from(wrapped, "base64");
    if (raw.length < IV_BYTES + TAG_BYTES) throw new Error("wrapped key too short");
    this.p11.C_DecryptInit(this.session, this.mechanism(raw.subarray(0, IV_BYTES), context), this.key);
    return Buffer.from(this.p11.C_Decrypt(this.session, raw.subarray(IV_BYTES), Buffer.alloc(raw.length)));
  }

  async healthy(): Promise<boolean> {
    try {
      const probe = randomBytes(32);
      return (await this.unwrap(await this.wrap(probe, "health"), "health")).equals(probe);
    } catch {
      return false;
    }
  }

  close(): void {
    this.p11.C_CloseSession(this.session);
    this.p11.C_Finalize();
  }

  /** What the HSM says about the key (tests: it must be sensitive and not extractable). */
  keyAttributes(): { sensitive: boolean; extractable: boolean } {
    const [sensitive, extractable] = this.p11.C_GetAttributeValue(this.session, this.key, [{ type: this.lib.CKA_SENSITIVE }, { type: this.lib.CKA_EXTRACTABLE }]);
    return { sensitive: (sensitive!.value as Buffer)[0] === 1, extractable: (extractable!.value as Buffer)[0] === 1 };
  }

  private mechanism(iv: Buffer, context: string): Pkcs11.Mechanism {
    return { mechanism: this.lib.CKM_AES_GCM, parameter: { type: this.lib.CK_PARAMS_GCM, iv, ivBits: IV_BYTES * 8, aad: Buffer.from(`kek:${this.keyId}:${context}`), tagBits: TAG_BYTES * 8 } as Pkcs11.GcmParams };
  }
}

function findKey(lib: typeof Pkcs11, p11: Pkcs11.PKCS11, session: Pkcs11.Handle, label: string): Pkcs11.Handle | null {
  p11.C_FindObjectsInit(session, [
    { type: lib.CKA_CLASS, value: lib.CKO_SECRET_KEY },
    { type: lib.CKA_LABEL, value: label },
  ]);
  try {
    return p11.C_FindObjects(session);
  } finally {
    p11.C_FindObjectsFinal(session);
  }
}

function createKey(lib: typeof Pkcs11, p11: Pkcs11.PKCS11, session: Pkcs11.Handle, label: string): Pkcs11.Handle {
  return p11.C_GenerateKey(session, { mechanism: lib.CKM_AES_KEY_GEN }, [
    { type: lib.CKA_CLASS, value: lib.CKO_SECRET_KEY },
    { type: lib.CKA_KEY_TYPE, value: lib.CKK_AES },
    { type: lib.CKA_VALUE_LEN, value: 32 },
    { type: lib.CKA_LABEL, value: label },
    { type: lib.CKA_TOKEN, value: true },
    { type: lib.CKA_PRIVATE, value: true },
    { type: lib.CKA_SENSITIVE, value: true },
    { type: lib.CKA_EXTRACTABLE, value: false },
    { type: lib.CKA_ENCRYPT, value: true },
    { type: lib.CKA_DECRYPT, value: true },
  ]);
}
