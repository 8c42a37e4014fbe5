import { randomFillSync } from "node:crypto";

/**
 * Identifiers: a readable prefix and 32 hex digits, the first 12 the creation time in
 * milliseconds and the rest 80 random bits from the CSPRNG (never Math.random). Time
 * first (as in UUIDv7) keeps new rows at the right edge of their indexes, which makes
 * the audit log's inserts far cheaper than random keys, and lists sort by creation.
 */
const RANDOM_BYTES = 10; // 20 hex digits
const pool = Buffer.alloc(RANDOM_BYTES * 256);
let poolOffset = pool.length;

/** CSPRNG bytes drawn from a pool refilled 256 ids at a time: several ids are made per request. */
function randomHex(): string {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const out = pool.toString("hex", poolOffset, poolOffset + RANDOM_BYTES);
  poolOffset += RANDOM_BYTES;
  return out;
}

function sortableHex(ms: number): string {
  return ms.toString(16).padStart(12, "0") + randomHex();
}

export function newId(prefix: "tok" | "rlm" | "rol" | "bnd" | "sec" | "usr" | "aud" | "dec" | "whk" | "evt" | "msg" | "att" | "pcr" | "agn" | "pol" | "rev" | "eng" | "erl" | "lea", ms = Date.now()): string {
  return `${prefix}_${sortableHex(ms)}`;
}

export function newRequestId(): string {
  return `req_${sortableHex(Date.now())}`;
}
