/**
 * API token values: `arc_` + 24 base62 characters from a CSPRNG (≈143 bits) + a 6-character
 * checksum, so a mistyped or made-up token is rejected without a store lookup.
 * Only the SHA-256 of a value is ever stored.
 */
import { hash, randomBytes, timingSafeEqual } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BODY_LENGTH = 24;
const CHECKSUM_LENGTH = 6;
export const TOKEN_PREFIXES = ["arc_", "oas_", "agt_"] as const;
export type TokenPrefix = (typeof TOKEN_PREFIXES)[number];

function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 62 * 4: rejecting larger bytes keeps every character equally likely.
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

function checksum(prefixAndBody: string): string {
  // One-shot crypto.hash: both hashes run on every authenticated request, and it skips the Hash object.
  let n = hash("sha256", prefixAndBody, "buffer").readUInt32BE(0);
  let out = "";
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

export function generateToken(prefix: TokenPrefix = "arc_"): string {
  const head = prefix + randomBase62(BODY_LENGTH);
  return head + checksum(head);
}

/** True when the value has a known prefix, the right length and alphabet, and a valid checksum. */
export function hasValidChecksum(value: string): boolean {
  if (value.length !== 4 + BODY_LENGTH + CHECKSUM_LENGTH) return false;
  if (!TOKEN_PREFIXES.some((p) => value.startsWith(p))) return false;
  if (!/^[0-9A-Za-z]+$/.test(value.slice(4))) return false;
  const head = value.slice(0, 4 + BODY_LENGTH);
  const expected = Buffer.from(checksum(head));
  const given = Buffer.from(value.slice(4 + BODY_LENGTH));
  return timingSafeEqual(expected, given);
}

/**
 * Whether a presented value is worth a store lookup: a well-formed generated token, or an
 * operator-chosen bootstrap value (at least 32 characters, no known prefix).
 */
export function isPlausibleToken(value: string): boolean {
  if (TOKEN_PREFIXES.some((p) => value.startsWith(p))) return hasValidChecksum(value);
  return value.length >= 32 && value.length <= 512 && /^[\x21-\x7e]+$/.test(value);
}

export function hashToken(value: string): string {
  return hash("sha256", value, "hex");
}

/** The part of a value shown in lists: enough to recognise it, far too little to use it. */
export function displayPrefix(value: string): string {
  // An operator-chosen bootstrap value has no random part to show.
  return TOKEN_PREFIXES.some((p) => value.startsWith(p)) ? value.slice(0, 8) : "custom";
}

export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
