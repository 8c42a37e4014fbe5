/**
 * DSSE envelopes signed with Ed25519 (node:crypto only: an air-gapped install cannot
 * refresh sigstore's TUF metadata). Verification fails closed: no signature, no trusted
 * key or a signature that does not verify is a refusal, never a pass.
 */
import { createHash, createPublicKey, sign as edSign, verify as edVerify, type KeyObject } from "node:crypto";
import type { Envelope } from "./schemas";

/** DSSE's pre-authentication encoding: "DSSEv1" SP len(type) SP type SP len(body) SP body. */
export function pae(payloadType: string, body: Buffer): Buffer {
  const type = Buffer.from(payloadType, "utf8");
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${body.length} `), body]);
}

// SubjectPublicKeyInfo prefix of an Ed25519 key: the raw 32 bytes follow it.
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export interface TrustedKey {
  keyId: string;
  key: KeyObject;
}

export function keyIdOf(raw: Buffer): string {
  return `ed25519:${createHash("sha256").update(raw).digest("hex").slice(0, 16)}`;
}

/** A trusted key from its config form: base64 of the raw 32-byte public key. */
export function trustedKey(base64: string): TrustedKey {
  const raw = Buffer.from(base64.trim(), "base64");
  if (raw.length !== 32) throw new Error("an Ed25519 public key is 32 bytes (base64 of the raw key)");
  return { keyId: keyIdOf(raw), key: createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: "der", type: "spki" }) };
}

export function rawPublicKey(key: KeyObject): Buffer {
  const der = key.export({ format: "der", type: "spki" });
  return der.subarray(der.length - 32);
}

export class SignatureError extends Error {}

/**
 * The payload's bytes when at least one signature by a trusted key verifies; throws
 * SignatureError otherwise. Returns the key id that signed.
 */
export function verifyEnvelope(envelope: Envelope, expectedType: string, keys: readonly TrustedKey[]): { payload: Buffer; keyId: string } {
  if (envelope.payloadType !== expectedType) throw new SignatureError(`payloadType is not ${expectedType}`);
  const signatures = envelope.signatures ?? [];
  if (signatures.length === 0) throw new SignatureError("the envelope has no signature");
  if (keys.length === 0) throw new SignatureError("no trusted keys are configured");
  const payload = Buffer.from(envelope.payload, "base64");
  const message = pae(envelope.payloadType, payload);
  for (const signature of signatures) {
    const sig = Buffer.from(signature.sig, "base64");
    if (sig.length !== 64) continue;
    // keyid is a hint; a signature is tried against every trusted key when it names none.
    const candidates = signature.keyid ? keys.filter((k) => k.keyId === signature.keyid) : keys;
    for (const candidate of candidates) {
      if (edVerify(null, message, candidate.key, sig)) return { payload, keyId: candidate.keyId };
    }
  }
  const named = signatures.map((s) => s.keyid ?? "(no keyid)").join(", ");
  throw new SignatureError(`no signature verifies with a trusted key (signed by ${named})`);
}

/** Signs a payload into an envelope (authors' tooling: the CLI and plugins:build). */
export function signEnvelope(payloadType: string, payload: Buffer, privateKey: KeyObject): Envelope {
  const publicKey = createPublicKey(privateKey);
  const sig = edSign(null, pae(payloadType, payload), privateKey);
  return { payloadType, payload: payload.toString("base64"), signatures: [{ keyid: keyIdOf(rawPublicKey(publicKey)), sig: sig.toString("base64") }] };
}
