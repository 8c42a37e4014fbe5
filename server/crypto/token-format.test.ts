// node --import tsx --test server/crypto/token-format.test.ts
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { constantTimeEqual, displayPrefix, generateToken, hashToken, hasValidChecksum, isPlausibleToken } from "./token-format";

describe("token format", () => {
  it("generates arc_ and oas_ values of base62 with a valid checksum", () => {
    for (const prefix of ["arc_", "oas_"] as const) {
      const value = generateToken(prefix);
      assert.match(value, new RegExp(`^${prefix}[0-9A-Za-z]{30}$`));
      assert.equal(hasValidChecksum(value), true);
      assert.equal(isPlausibleToken(value), true);
    }
    assert.ok(generateToken().startsWith("arc_"));
  });

  it("carries at least 128 random bits and does not repeat", () => {
    // 24 base62 characters: 24 * log2(62) ≈ 142.9 bits.
    assert.ok(24 * Math.log2(62) >= 128);
    const seen = new Set(Array.from({ length: 2000 }, () => generateToken()));
    assert.equal(seen.size, 2000);
    const counts = new Map<string, number>();
    for (const v of seen) for (const c of v.slice(4, 28)) counts.set(c, (counts.get(c) ?? 0) + 1);
    assert.equal(counts.size, 62, "every base62 character occurs");
  });

  it("rejects any single-character change, truncation or foreign prefix", () => {
    const value = generateToken();
    fc.assert(
      fc.property(fc.integer({ min: 4, max: value.length - 1 }), fc.constantFrom(..."0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"), (i, c) => {
        fc.pre(value[i] !== c);
        const changed = value.slice(0, i) + c + value.slice(i + 1);
        assert.equal(hasValidChecksum(changed), false, changed);
        assert.equal(isPlausibleToken(changed), false);
      }),
      { numRuns: 300 },
    );
    assert.equal(hasValidChecksum(value.slice(0, -1)), false);
    assert.equal(hasValidChecksum(`xyz_${value.slice(4)}`), false);
    assert.equal(hasValidChecksum(`${value}0`), false);
    assert.equal(hasValidChecksum(value.replace(/.$/, "-")), false);
  });

  it("accepts an operator-chosen bootstrap value of 32 to 512 printable characters", () => {
    assert.equal(isPlausibleToken("x".repeat(32)), true);
    assert.equal(isPlausibleToken("x".repeat(31)), false);
    assert.equal(isPlausibleToken("x".repeat(513)), false);
    assert.equal(isPlausibleToken(`${"x".repeat(32)} y`), false);
    assert.equal(isPlausibleToken(`arc_${"x".repeat(40)}`), false, "a known prefix must carry a checksum");
  });

  it("hashes with SHA-256 and shows only a short prefix", () => {
    const value = generateToken();
    assert.match(hashToken(value), /^[0-9a-f]{64}$/);
    assert.equal(hashToken(value), hashToken(value));
    assert.notEqual(hashToken(value), hashToken(generateToken()));
    assert.equal(displayPrefix(value), value.slice(0, 8));
    assert.equal(displayPrefix("x".repeat(40)), "custom");
  });

  it("compares in constant time without throwing on different lengths", () => {
    assert.equal(constantTimeEqual("abc", "abc"), true);
    assert.equal(constantTimeEqual("abc", "abd"), false);
    assert.equal(constantTimeEqual("abc", "abcd"), false);
    assert.equal(constantTimeEqual("", ""), true);
  });
});
