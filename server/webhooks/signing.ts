/**
 * Webhook signing secrets and headers (contract, "Events and webhook delivery"):
 * `whsec_` + base64 of 32 random bytes; the HMAC key is the decoded bytes.
 */
import { createHmac, randomBytes } from "node:crypto";

const SECRET_BYTES = 32;
export const SECRET_PREFIX = "whsec_";

export function generateSigningKey(): Buffer {
  return randomBytes(SECRET_BYTES);
}

export function formatSecret(key: Buffer): string {
  return SECRET_PREFIX + key.toString("base64");
}

/** Headers for one attempt: the legacy Arcan signature plus the Standard Webhooks set. */
export function signatureHeaders(key: Buffer, webhookId: string, timestampSeconds: number, body: string): Record<string, string> {
  const arcan = createHmac("sha256", key).update(body).digest("hex");
  const standard = createHmac("sha256", key).update(`${webhookId}.${timestampSeconds}.${body}`).digest("base64");
  return {
    "X-Arcan-Signature": `sha256=${arcan}`,
    "webhook-id": webhookId,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": `v1,${standard}`,
  };
}
