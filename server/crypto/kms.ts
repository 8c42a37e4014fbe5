/**
 * Key-encryption-key providers. The local provider keeps a 256-bit key in a file
 * (`[kms] key_file`, by default in the data directory; created on first start, mode 0600),
 * which several processes may share; other providers implement the same interface.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { existsSync, linkSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { refuseIfOpen } from "../config/data-dir";

export interface KmsProvider {
  /** Identifies the key-encryption key, stored next to each wrapped key. */
  readonly keyId: string;
  wrap(dataKey: Buffer, context: string): Promise<string>;
  unwrap(wrapped: string, context: string): Promise<Buffer>;
  /** Whether the key can be used right now (for /ready). */
  healthy(): Promise<boolean>;
}

export function sealAesGcm(key: Buffer, plaintext: Buffer, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64");
}

export function openAesGcm(key: Buffer, sealed: string, aad: string): Buffer {
  const raw = Buffer.from(sealed, "base64");
  if (raw.length < 28) throw new Error("ciphertext too short");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
}

export class LocalKeyFileKms implements KmsProvider {
  readonly keyId = "local:kek-1";
  private key: Buffer | null = null;

  constructor(
    private readonly file: string,
    private readonly opts: { create: boolean } = { create: true },
  ) {}

  static inDataDir(dataDir: string): LocalKeyFileKms {
    return new LocalKeyFileKms(path.join(dataDir, "kek.key"));
  }

  /** `[kms] key_file`, or `<data_dir>/kek.key` when it is empty. */
  static fromConfig(config: { data_dir: string; kms: { key_file: string } }): LocalKeyFileKms {
    return config.kms.key_file ? new LocalKeyFileKms(path.resolve(config.data_dir, config.kms.key_file)) : LocalKeyFileKms.inDataDir(config.data_dir);
  }

  /** Creates the key file on first start (once, when processes sharing it start together); refuses a key file others can read. */
  load(): void {
    if (!existsSync(this.file)) {
      if (!this.opts.create) throw new Error(`key file ${this.file} does not exist`);
      // Written aside and linked into place: a process starting alongside never reads a half-written key.
      const aside = `${this.file}.${randomBytes(6).toString("hex")}.tmp`;
      writeFileSync(aside, randomBytes(32).toString("base64") + "\n", { mode: 0o600, flag: "wx" });
      try {
        linkSync(aside, this.file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      } finally {
        unlinkSync(aside);
      }
    }
    refuseIfOpen(this.file, statSync(this.file).mode);
    const key = Buffer.from(readFileSync(this.file, "utf8").trim(), "base64");
    if (key.length !== 32) throw new Error(`key file ${this.file} does not hold a 256-bit key`);
    this.key = key;
  }

  private requireKey(): Buffer {
    if (!this.key) this.load();
    return this.key!;
  }

  async wrap(dataKey: Buffer, context: string): Promise<string> {
    return sealAesGcm(this.requireKey(), dataKey, `kek:${this.keyId}:${context}`);
  }

  async unwrap(wrapped: string, context: string): Promise<Buffer> {
    return openAesGcm(this.requireKey(), wrapped, `kek:${this.keyId}:${context}`);
  }

  async healthy(): Promise<boolean> {
    try {
      return existsSync(this.file) && this.requireKey().length === 32;
    } catch {
      return false;
    }
  }
}
