// node --import tsx --test server/access/principal-cache.test.ts
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Principal } from "../rbac/principal";
import { PrincipalCache } from "./principal-cache";

function principal(id: string, expiresAt: Date | null = null): Principal {
  return { subject: `token:${id}`, kind: "token", id, name: id, isAdmin: false, grants: [], rateLimit: null, expiresAt };
}

describe("PrincipalCache", () => {
  it("counts hits and misses and reports its configuration", () => {
    const cache = new PrincipalCache(30, 10);
    assert.equal(cache.get("h1"), undefined);
    cache.set("h1", principal("a"));
    assert.equal(cache.get("h1")?.id, "a");
    assert.equal(cache.get("h1")?.id, "a");
    assert.deepEqual(cache.stats(), { size: 1, max_size: 10, ttl_seconds: 30, hits: 2, misses: 1, hit_rate: 2 / 3, evictions: 0 });
  });

  it("forgets entries after the TTL and after the token expires", () => {
    const cache = new PrincipalCache(30, 10);
    cache.set("h1", principal("a"));
    assert.equal(cache.get("h1", Date.now() + 29_000)?.id, "a");
    assert.equal(cache.get("h1", Date.now() + 30_001), undefined);
    assert.equal(cache.stats().size, 0, "an expired entry is dropped");
    cache.set("h2", principal("b", new Date(Date.now() + 1000)));
    assert.equal(cache.get("h2")?.id, "b");
    assert.equal(cache.get("h2", Date.now() + 1001), undefined, "never past the token's own expiry");
  });

  it("evicts the least recently used entry beyond max size", () => {
    const cache = new PrincipalCache(30, 2);
    cache.set("h1", principal("a"));
    cache.set("h2", principal("b"));
    cache.get("h1");
    cache.set("h3", principal("c"));
    assert.equal(cache.get("h2"), undefined, "b was least recently used");
    assert.equal(cache.get("h1")?.id, "a");
    assert.equal(cache.get("h3")?.id, "c");
    assert.equal(cache.stats().evictions, 1);
    assert.equal(cache.stats().size, 2);
  });

  it("drops every entry of a token at once, and clears", () => {
    const cache = new PrincipalCache(30, 10);
    cache.set("old-hash", principal("a"));
    cache.set("new-hash", principal("a"));
    cache.set("other", principal("b"));
    cache.dropToken("a");
    assert.equal(cache.get("old-hash"), undefined);
    assert.equal(cache.get("new-hash"), undefined);
    assert.equal(cache.get("other")?.id, "b");
    cache.clear();
    assert.equal(cache.stats().size, 0);
  });

  it("caches nothing with a TTL of 0", () => {
    const cache = new PrincipalCache(0, 10);
    cache.set("h1", principal("a"));
    assert.equal(cache.get("h1"), undefined);
    assert.equal(cache.stats().size, 0);
  });
});
