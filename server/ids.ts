import { randomUUID } from "node:crypto";

/**
 * Identifiers: a readable prefix and 32 hex digits, the first 12 the creation time in
 * milliseconds and the rest 72 random bits from the CSPRNG (never Math.random). Time
 * first (as in UUIDv7) keeps new rows at the right edge of their indexes, which makes
 * the audit log's inserts far cheaper than random keys, and lists sort by creation.
 */
function sortableHex(ms: number): string {
  // randomUUID draws from a cached pool; its last 20 hex digits carry 72 random bits.
  return ms.toString(16).padStart(12, "0") + randomUUID().replaceAll("-", "").slice(12);
}

export function newId(prefix: "tok" | "rlm" | "rol" | "bnd" | "sec" | "usr" | "aud" | "dec" | "whk" | "evt" | "msg" | "att" | "pcr" | "agn" | "pol" | "rev" | "eng" | "erl" | "lea", ms = Date.now()): string {
  return `${prefix}_${sortableHex(ms)}`;
}

export function newRequestId(): string {
  return `req_${sortableHex(Date.now())}`;
}
