// node --import tsx --test server/cluster/apply.test.ts
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PrincipalCache } from "../access/principal-cache";
import type { Principal } from "../rbac/principal";
import { invalidationHandlers } from "./apply";

function principal(id: string): Principal {
  return { subject: `token:${id}`, kind: "token", id, name: id, isAdmin: false, grants: [], rateLimit: null, expiresAt: null };
}

function harness() {
  const calls: string[] = [];
  const principals = new PrincipalCache(30, 100);
  const handlers = invalidationHandlers({
    principals,
    realms: { invalidate: (n) => calls.push(`realm:${n}`), clear: () => calls.push("realms:clear") },
    agents: { forget: (id) => calls.push(`agent:${id ?? "*"}`) },
    stsRevocations: { remember: (jti, at) => calls.push(`jti:${jti}:${at}`), reload: () => calls.push("jti:reload") },
    policies: { forget: () => calls.push("policy") },
    plugins: { sync: async (n) => void calls.push(`plugin:${n}`), syncAll: async () => void calls.push("plugins:all") },
    logger: { warn: () => {} },
  });
  return { calls, principals, handlers };
}

describe("invalidation handlers", () => {
  it("drop what each announcement names", () => {
    const { calls, principals, handlers } = harness();
    principals.set("h1", principal("a"));
    principals.set("h2", principal("b"));
    handlers.apply({ kind: "token", id: "a" });
    assert.equal(principals.get("h1"), undefined);
    assert.equal(principals.get("h2")?.id, "b");
    handlers.apply({ kind: "principals" });
    assert.equal(principals.stats().size, 0);
    handlers.apply({ kind: "agent", id: "agn_1" });
    handlers.apply({ kind: "sts_jti", jti: "j1", expires_at: 42 });
    handlers.apply({ kind: "realm", name: "myapp" });
    handlers.apply({ kind: "policy" });
    handlers.apply({ kind: "plugin", name: "mariadb" });
    assert.deepEqual(calls, ["agent:agn_1", "jti:j1:42", "realm:myapp", "policy", "plugin:mariadb"]);
  });

  it("drop everything after an outage and bypass the principal cache while the bus is down", () => {
    const { calls, principals, handlers } = harness();
    principals.set("h1", principal("a"));
    handlers.dropAll();
    handlers.suspend(true);
    assert.equal(principals.stats().size, 0);
    principals.set("h1", principal("a"));
    assert.equal(principals.get("h1"), undefined, "nothing is served from memory while suspended");
    handlers.suspend(false);
    principals.set("h1", principal("a"));
    assert.equal(principals.get("h1")?.id, "a");
    assert.deepEqual(calls, ["realms:clear", "agent:*", "jti:reload", "policy", "plugins:all"]);
  });
});
