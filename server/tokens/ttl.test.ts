// node --import tsx --test server/tokens/ttl.test.ts
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { MAX_TTL_SECONDS, parseTtl } from "./ttl";

describe("parseTtl", () => {
  it("reads the seed's forms and plain seconds", () => {
    const cases: [string | number, number][] = [
      ["90d", 90 * 86_400],
      ["1h", 3600],
      ["30m", 1800],
      ["45s", 45],
      ["2w", 14 * 86_400],
      ["600", 600],
      [" 12h ", 43_200],
      [1, 1],
      [86_400, 86_400],
    ];
    for (const [input, seconds] of cases) assert.equal(parseTtl(input), seconds, JSON.stringify(input));
  });

  it("rejects anything else", () => {
    for (const bad of ["", "h", "1x", "1.5h", "-1", "0", "0d", "1 h m", "1H", "ten", "1e3", 0, -1, 1.5, Number.NaN, Infinity]) {
      assert.equal(parseTtl(bad), null, JSON.stringify(bad));
    }
  });

  it("caps TTLs at ten years", () => {
    assert.equal(parseTtl(MAX_TTL_SECONDS), MAX_TTL_SECONDS);
    assert.equal(parseTtl(MAX_TTL_SECONDS + 1), null);
    assert.equal(parseTtl("3651d"), null);
    assert.equal(parseTtl("9999999999w"), null);
  });

  it("agrees with seconds for every unit", () => {
    const units = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.constantFrom(...(Object.keys(units) as (keyof typeof units)[])), (n, unit) => {
        const seconds = n * units[unit];
        assert.equal(parseTtl(`${n}${unit}`), seconds <= MAX_TTL_SECONDS ? seconds : null);
        assert.equal(parseTtl(`${n}${unit}`), parseTtl(seconds));
      }),
    );
  });
});
