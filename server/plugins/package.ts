/**
 * A plugin package: its envelope verified against the trusted keys, its manifest parsed,
 * and every file's SHA-256 and size matched to the manifest. Used at install and again at
 * every load, so a file changed in the store after install is refused too.
 */
import { createHash } from "node:crypto";
import { AppError } from "../errors";
import { SignatureError, verifyEnvelope, type TrustedKey } from "./dsse";
import { MANIFEST_PAYLOAD_TYPE, ZManifest, type Envelope, type Manifest } from "./schemas";

export interface VerifiedPackage {
  manifest: Manifest;
  signerKeyId: string;
  envelope: Envelope;
  files: Record<string, Buffer>;
}

export function signatureInvalid(detail: string, cause?: unknown): AppError {
  return new AppError("invalid_input", `Plugin package refused: ${detail}.`, { code: "plugin_signature_invalid", ...(cause ? { cause } : {}) });
}

export function sha256Hex(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

export function verifyPackage(envelope: Envelope, files: Record<string, Buffer>, keys: readonly TrustedKey[]): VerifiedPackage {
  let verified: { payload: Buffer; keyId: string };
  try {
    verified = verifyEnvelope(envelope, MANIFEST_PAYLOAD_TYPE, keys);
  } catch (err) {
    if (err instanceof SignatureError) throw signatureInvalid(err.message);
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(verified.payload.toString("utf8"));
  } catch (err) {
    throw signatureInvalid("the manifest is not JSON", err);
  }
  const parsed = ZManifest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError("invalid_input", `Plugin manifest: ${issue.path.join(".") || "(root)"}: ${issue.message}.`, { code: "invalid_input" });
  }
  const manifest = parsed.data;
  if (!(manifest.entry in manifest.files)) throw signatureInvalid(`the entry ${manifest.entry} is not among the signed files`);
  for (const name of Object.keys(files)) {
    if (!(name in manifest.files)) throw signatureInvalid(`file ${name} is not in the signed manifest`);
  }
  for (const [name, expected] of Object.entries(manifest.files)) {
    const data = files[name];
    if (!data) throw signatureInvalid(`file ${name} is missing`);
    if (data.length !== expected.size) throw signatureInvalid(`file ${name} has ${data.length} bytes, the manifest says ${expected.size}`);
    if (sha256Hex(data) !== expected.sha256) throw signatureInvalid(`file ${name} does not match its signed SHA-256`);
  }
  return { manifest, signerKeyId: verified.keyId, envelope, files };
}
