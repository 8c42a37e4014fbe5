import { randomBytes } from "node:crypto";

/**
 * Identifiers: a readable prefix and 32 hex digits, the first 12 the creation time in
 * milliseconds and the rest 80 random bits from the CSPRNG (never Math.random). Time
 * first (as in UUIDv7) keeps new rows at the right edge of their indexes, which makes
 * the audit log's inserts far cheaper than random keys, and lists sort by creation.
 */
function sortableHex(): string {
  return Date.now().toString(16).padStart(12, "0") + randomBytes(10).toString("hex");
}

export function newId(prefix: "tok" | "rlm" | "rol" | "bnd" | "sec" | "usr" | "aud" | "dec" | "whk" | "evt" | "msg" | "att"): string {
  return `${prefix}_${sortableHex()}`;
}

export function newRequestId(): string {
  return `req_${sortableHex()}`;
}
