// Tokens over real HTTPS: create, list, get, update, rotate, revoke, revoke-all, delete,
// TTLs and expiry, the subset rule, the accepted header forms, checksums, the cache.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { generateToken } from "../../server/crypto/token-format";
import { assertNamesField, assertProblem, createRealm, createToken, sleep, startCore, uid } from "../helpers/core";
import { STORES, type Reply, type TestServer } from "../helpers/server";

const TOKEN_FORMAT = /^arc_[0-9A-Za-z]{30,}$/;

for (const store of STORES) {
  describe(`tokens (${store})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startCore(store, { ARCAN_AUTH_MAX_CACHE_SIZE: "500" });
    });
    after(() => s.cleanup());

    const verify = (token: string | null) => s.request("GET", "/api/v1/auth/verify", { token });

    it("prints a generated admin token once on first start", async () => {
      const printed = [...s.stderr().matchAll(/Admin token \(shown once, store it now\): (\S+)/g)].map((m) => m[1]);
      assert.deepEqual(printed, [s.adminToken]);
      assert.match(s.adminToken, TOKEN_FORMAT);
      const v = await verify(s.adminToken);
      assert.deepEqual([v.body.token_info.name, v.body.token_info.is_admin, v.body.token_info.expires_at], ["bootstrap-admin", true, null]);
    });

    it("creates a token whose value is shown once, in the arc_ format, and never again", async () => {
      const r = await s.request("POST", "/api/v1/auth/tokens", { body: { name: "ci", description: "for CI", capabilities: ["secrets:read"] } });
      assert.equal(r.status, 201, r.text);
      assert.match(r.body.token, TOKEN_FORMAT);
      assert.match(r.body.id, /^tok_/);
      assert.equal(r.body.name, "ci");
      assert.equal(r.body.description, "for CI");
      assert.deepEqual(r.body.capabilities, ["secrets:read"]);
      assert.deepEqual(r.body.realms, ["*"]);
      assert.equal(r.body.is_admin, false);
      assert.equal(r.body.status, "active");
      assert.ok(r.body.token.startsWith(r.body.prefix), "prefix is the start of the value");
      assert.ok(r.body.prefix.length < 12, "prefix is too short to use");

      const got = await s.request("GET", `/api/v1/auth/tokens/${r.body.id}`);
      assert.equal(got.status, 200);
      assert.equal(got.body.token, undefined);
      assert.equal(got.body.hash, undefined);
      assert.ok(!got.text.includes(r.body.token), "GET never shows the value");
      const list = await s.request("GET", "/api/v1/auth/tokens?limit=500");
      assert.ok(!list.text.includes(r.body.token), "list never shows the value");
      assert.ok(!list.text.includes(r.body.token.slice(8)), "nor its secret part");
      assert.ok(list.body.items.every((t: Record<string, unknown>) => !("token" in t) && !("hash" in t)));

      const v = await verify(r.body.token);
      assert.equal(v.status, 200);
      assert.equal(v.body.valid, true);
      assert.deepEqual(v.body.token_info, { id: r.body.id, name: "ci", is_admin: false, expires_at: null });
      assert.deepEqual(v.body.permissions, [{ realm: "*", capabilities: ["secrets:read"] }]);
    });

    it("pages the token list with limit and cursor", async () => {
      const made = new Set<string>();
      for (let i = 0; i < 5; i++) made.add((await createToken(s, { name: `page-${i}` })).id);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const r: Reply = await s.request("GET", `/api/v1/auth/tokens?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
        assert.equal(r.status, 200, r.text);
        assert.ok(r.body.items.length <= 2);
        seen.push(...r.body.items.map((t: { id: string }) => t.id));
        cursor = r.body.next_cursor;
        pages++;
      } while (cursor && pages < 50);
      assert.equal(new Set(seen).size, seen.length, "no token appears twice");
      for (const id of made) assert.ok(seen.includes(id), `paging reaches ${id}`);
      const all = await s.request("GET", "/api/v1/auth/tokens?limit=500");
      assert.equal(all.body.next_cursor, null);
      assert.deepEqual(all.body.items.map((t: { id: string }) => t.id), seen);
      assertNamesField(await s.request("GET", "/api/v1/auth/tokens?limit=0"), "limit");
    });

    it("gets and updates a token's name, description and rate limit", async () => {
      const t = await createToken(s, { name: "before" });
      const r = await s.request("PATCH", `/api/v1/auth/tokens/${t.id}`, { body: { name: "after", description: "renamed", rate_limit: 42 } });
      assert.equal(r.status, 200, r.text);
      const got = await s.request("GET", `/api/v1/auth/tokens/${t.id}`);
      assert.equal(got.body.name, "after");
      assert.equal(got.body.description, "renamed");
      assert.equal(got.body.rate_limit, 42);
      assertNamesField(await s.request("PATCH", `/api/v1/auth/tokens/${t.id}`, { body: { capabilities: ["admin"] } }), "capabilities");
      assertProblem(await s.request("GET", `/api/v1/auth/tokens/tok_${"0".repeat(32)}`), 404, "token_not_found");
      assertNamesField(await s.request("GET", "/api/v1/auth/tokens/not-an-id"), "id");
    });

    it("rotates: same id and permissions, the old value stops working at once", async () => {
      const t = await createToken(s, { capabilities: ["realms:read"] });
      assert.equal((await s.request("GET", "/api/v1/realms", { token: t.token })).status, 200, "old value cached");
      const r = await s.request("POST", `/api/v1/auth/tokens/${t.id}/rotate`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.id, t.id);
      assert.match(r.body.token, TOKEN_FORMAT);
      assert.notEqual(r.body.token, t.token);
      assert.deepEqual(r.body.capabilities, ["realms:read"]);
      assertProblem(await s.request("GET", "/api/v1/realms", { token: t.token }), 401, "token_invalid");
      assert.equal((await s.request("GET", "/api/v1/realms", { token: r.body.token })).status, 200);
      assert.equal((await verify(r.body.token)).body.token_info.id, t.id);
    });

    it("revokes at once: 401 and verify says {valid:false}", async () => {
      const t = await createToken(s, { capabilities: ["realms:read"] });
      assert.equal((await s.request("GET", "/api/v1/realms", { token: t.token })).status, 200);
      const r = await s.request("POST", `/api/v1/auth/tokens/${t.id}/revoke`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.status, "revoked");
      assert.ok(r.body.revoked_at);
      assertProblem(await s.request("GET", "/api/v1/realms", { token: t.token }), 401, "token_revoked");
      const v = await verify(t.token);
      assert.equal(v.status, 401);
      assert.deepEqual(v.body, { valid: false });
      assertProblem(await s.request("POST", `/api/v1/auth/tokens/${t.id}/rotate`), 409, "token_revoked");
    });

    it("deletes a token: 204, then 404 and 401", async () => {
      const t = await createToken(s, { capabilities: ["realms:read"] });
      assert.equal((await s.request("GET", "/api/v1/realms", { token: t.token })).status, 200);
      assert.equal((await s.request("DELETE", `/api/v1/auth/tokens/${t.id}`)).status, 204);
      assertProblem(await s.request("GET", `/api/v1/auth/tokens/${t.id}`), 404, "token_not_found");
      assertProblem(await s.request("GET", "/api/v1/realms", { token: t.token }), 401);
      assertProblem(await s.request("DELETE", `/api/v1/auth/tokens/${t.id}`), 404);
    });

    it('parses TTLs ("90d", "1h", seconds) and rejects bad ones naming ttl', async () => {
      const cases: [unknown, number][] = [
        ["90d", 90 * 86_400],
        ["1h", 3600],
        [600, 600],
        ["45", 45],
      ];
      for (const [ttl, seconds] of cases) {
        const before = Date.now();
        const r = await s.request("POST", "/api/v1/auth/tokens", { body: { name: `ttl-${uid()}`, ttl } });
        assert.equal(r.status, 201, `${JSON.stringify(ttl)}: ${r.text}`);
        const expires = Date.parse(r.body.expires_at);
        assert.ok(Math.abs(expires - before - seconds * 1000) < 5000, `${JSON.stringify(ttl)} expires in ${seconds}s`);
        assert.equal((await verify(r.body.token)).body.token_info.expires_at, r.body.expires_at);
      }
      const before = (await s.request("GET", "/api/v1/auth/tokens?limit=500")).body.items.length;
      for (const ttl of ["90x", "soon", "", "-5", "1.5h", 0, -3, 1.5, "99999999999d", true]) {
        assertNamesField(await s.request("POST", "/api/v1/auth/tokens", { body: { name: "bad-ttl", ttl } }), "ttl");
      }
      assert.equal((await s.request("GET", "/api/v1/auth/tokens?limit=500")).body.items.length, before, "no token was created");
    });

    it("rejects a token after its TTL has passed", async () => {
      const t = await createToken(s, { ttl: 1, capabilities: ["realms:read"] });
      assert.equal((await s.request("GET", "/api/v1/realms", { token: t.token })).status, 200);
      await sleep(1300);
      assertProblem(await s.request("GET", "/api/v1/realms", { token: t.token }), 401, "token_expired");
      assert.deepEqual((await verify(t.token)).body, { valid: false });
      assert.equal((await s.request("GET", `/api/v1/auth/tokens/${t.id}`)).body.status, "expired");
    });

    it("never lets a token create a token with more than it holds", async () => {
      const a = `sub-a-${uid()}`;
      const b = `sub-b-${uid()}`;
      await createRealm(s, a);
      await createRealm(s, b);
      const issuer = await createToken(s, { capabilities: ["tokens:create", "tokens:read"] });
      const bind = await s.request("POST", "/api/v1/bindings", { body: { subject: issuer.subject, role: "secrets-reader", realm: a } });
      assert.equal(bind.status, 201, bind.text);
      const count = async () => (await s.request("GET", "/api/v1/auth/tokens?limit=500")).body.items.length;
      const before = await count();

      const denied: Record<string, unknown>[] = [
        { capabilities: ["secrets:write"], realms: [a] },
        { capabilities: ["secrets:read"], realms: [b] },
        { capabilities: ["secrets:read"], realms: [a, b] },
        { capabilities: ["secrets:read"] },
        { capabilities: ["admin"] },
        { is_admin: true },
      ];
      for (const body of denied) {
        const r = await s.request("POST", "/api/v1/auth/tokens", { token: issuer.token, body: { name: "escalate", ...body } });
        assertProblem(r, 403, "exceeds_issuer");
      }
      assert.equal(await count(), before, "nothing was created");
      const ghost = assertProblem(await s.request("POST", "/api/v1/auth/tokens", { body: { name: "ghost", realms: [`absent-${uid()}`] } }), 400);
      assert.deepEqual(ghost.errors?.map((e) => e.field), ["realms"]);
      assertNamesField(await s.request("POST", "/api/v1/auth/tokens", { body: { name: "none", realms: [] } }), "realms");
      assert.equal(await count(), before, "nor by the refused realms");

      const ok = await createToken(s, { capabilities: ["secrets:read"], realms: [a] }, issuer.token);
      const v = await verify(ok.token);
      assert.deepEqual(v.body.permissions, [{ realm: a, capabilities: ["secrets:read"] }]);
      const noCreate = await createToken(s, { capabilities: ["secrets:read"] });
      assertProblem(await s.request("POST", "/api/v1/auth/tokens", { token: noCreate.token, body: { name: "x" } }), 403, "missing_capability");
    });

    it("rotating a token never hands a holder of tokens:create more than it holds", async () => {
      const a = `rot-${uid()}`;
      await createRealm(s, a);
      const rotator = await createToken(s, { capabilities: ["tokens:create", "tokens:read"] });
      const adminId = (await verify(s.adminToken)).body.token_info.id as string;
      const strong = await createToken(s, { capabilities: ["secrets:read", "secrets:write"], realms: [a] });
      const bound = await createToken(s, {});
      assert.equal((await s.request("POST", "/api/v1/bindings", { body: { subject: bound.subject, role: "admin", realm: a } })).status, 201);
      for (const id of [adminId, strong.id, bound.id]) {
        const r = await s.request("POST", `/api/v1/auth/tokens/${id}/rotate`, { token: rotator.token });
        assert.ok(r.status === 403 || r.status === 404, `rotate ${id}: ${r.status} ${r.text}`);
        assert.equal(r.body?.token, undefined, "no new value handed out");
      }
      assert.equal((await verify(s.adminToken)).status, 200, "the admin token still works");
      assert.equal((await verify(strong.token)).status, 200);
      const own = await createToken(s, { capabilities: ["tokens:read"] }, rotator.token);
      const rotated = await s.request("POST", `/api/v1/auth/tokens/${own.id}/rotate`, { token: rotator.token });
      assert.equal(rotated.status, 200, `a token it could have created itself rotates: ${rotated.text}`);
    });

    it("a token manager cannot change, revoke or delete a token that holds more than it does", async () => {
      const a = `mgr-${uid()}`;
      await createRealm(s, a);
      const manager = await createToken(s, { capabilities: ["tokens:create", "tokens:read", "tokens:revoke"] });
      const adminId = (await verify(s.adminToken)).body.token_info.id as string;
      const strong = await createToken(s, { capabilities: ["secrets:read", "secrets:write"], realms: [a] });
      const bound = await createToken(s, {});
      assert.equal((await s.request("POST", "/api/v1/bindings", { body: { subject: bound.subject, role: "admin", realm: a } })).status, 201);
      const before = await s.request("GET", `/api/v1/auth/tokens/${strong.id}`);
      for (const id of [adminId, strong.id, bound.id]) {
        const attempts = [
          await s.request("PATCH", `/api/v1/auth/tokens/${id}`, { token: manager.token, body: { rate_limit: 1 } }),
          await s.request("POST", `/api/v1/auth/tokens/${id}/revoke`, { token: manager.token }),
          await s.request("DELETE", `/api/v1/auth/tokens/${id}`, { token: manager.token }),
        ];
        // The manager sees every token (tokens:* everywhere), so each refusal names the reason.
        for (const r of attempts) assertProblem(r, 403, "exceeds_issuer");
      }
      for (const t of [s.adminToken, strong.token, bound.token]) assert.equal((await verify(t)).status, 200, "every stronger token still works");
      assert.deepEqual((await s.request("GET", `/api/v1/auth/tokens/${strong.id}`)).body, before.body, "and is unchanged");
      const own = await createToken(s, { capabilities: ["tokens:read"] }, manager.token);
      assert.equal((await s.request("PATCH", `/api/v1/auth/tokens/${own.id}`, { token: manager.token, body: { rate_limit: 5 } })).status, 200);
      assert.equal((await s.request("POST", `/api/v1/auth/tokens/${own.id}/revoke`, { token: manager.token })).status, 200);
    });

    it("accepts Bearer, Token and X-API-Key, and rejects a bad checksum without more", async () => {
      const t = await createToken(s, { capabilities: ["realms:read"] });
      const forms: Record<string, string>[] = [{ Authorization: `Bearer ${t.token}` }, { Authorization: `Token ${t.token}` }, { "X-API-Key": t.token }];
      for (const headers of forms) {
        const r = await s.request("GET", "/api/v1/realms", { token: null, headers });
        assert.equal(r.status, 200, `${Object.keys(headers)[0]}: ${r.text}`);
        assert.equal((await s.request("GET", "/api/v1/auth/verify", { token: null, headers })).body.valid, true);
      }
      const last = t.token.at(-1)!;
      const wrongChecksum = t.token.slice(0, -1) + (last === "a" ? "b" : "a");
      for (const token of [wrongChecksum, generateToken("arc_"), "arc_short", "not-a-token"]) {
        assertProblem(await s.request("GET", "/api/v1/realms", { token }), 401, "token_invalid");
        assert.equal((await verify(token)).status, 401);
      }
      assertProblem(await s.request("GET", "/api/v1/realms", { token: null }), 401, "token_missing");
      const basic = await s.request("GET", "/api/v1/realms", { token: null, headers: { Authorization: `Basic ${t.token}` } });
      assertProblem(basic, 401, "token_missing");
    });

    it("reports cache stats from config, and invalidate empties the cache", async () => {
      const stats = async () => {
        const r = await s.request("GET", "/api/v1/auth/cache/stats");
        assert.equal(r.status, 200, r.text);
        return r.body as Record<string, number>;
      };
      const first = await stats();
      for (const k of ["size", "max_size", "ttl_seconds", "hits", "misses", "hit_rate", "evictions"]) assert.equal(typeof first[k], "number", k);
      assert.equal(first.max_size, 500, "ARCAN_AUTH_MAX_CACHE_SIZE");
      assert.equal(first.ttl_seconds, 30, "default cache_ttl");
      assert.ok(first.size! >= 1);
      const second = await stats();
      assert.equal(second.hits, first.hits! + 1, "the admin token was a cache hit");
      assert.equal(second.misses, first.misses);
      assert.ok(Math.abs(second.hit_rate! - second.hits! / (second.hits! + second.misses!)) < 1e-9);

      const inv = await s.request("POST", "/api/v1/auth/cache/invalidate");
      assert.equal(inv.status, 200, inv.text);
      assert.equal(inv.body.invalidated, true);
      const third = await stats();
      assert.equal(third.misses, second.misses! + 1, "after invalidate the admin token missed");
      assert.equal(third.size, 1, "only the token that just authenticated is cached");

      const plain = await createToken(s, { capabilities: ["tokens:read"] });
      assertProblem(await s.request("GET", "/api/v1/auth/cache/stats", { token: plain.token }), 403);
      assertProblem(await s.request("POST", "/api/v1/auth/cache/invalidate", { token: plain.token }), 403);
    });

    // Last: revoke-all ends every other token on this server.
    it("revoke-all keeps the caller unless include_self, and needs admin", async () => {
      const plain = await createToken(s, { capabilities: ["tokens:revoke", "tokens:read"] });
      assertProblem(await s.request("POST", "/api/v1/auth/tokens/revoke-all", { token: plain.token }), 403);
      const others = [await createToken(s, {}), await createToken(s, { capabilities: ["realms:read"] })];
      const second = await createToken(s, { is_admin: true });
      const r = await s.request("POST", "/api/v1/auth/tokens/revoke-all", { token: second.token, body: {} });
      assert.equal(r.status, 200, r.text);
      assert.ok(r.body.revoked >= 4);
      for (const t of [...others, plain]) assert.equal((await verify(t.token)).status, 401);
      assert.equal((await verify(s.adminToken)).status, 401, "the bootstrap admin is revoked too");
      assert.equal((await verify(second.token)).status, 200, "the caller survives");

      const self = await s.request("POST", "/api/v1/auth/tokens/revoke-all", { token: second.token, body: { include_self: true } });
      assert.equal(self.status, 200, self.text);
      assert.equal(self.body.revoked, 1);
      assert.equal((await verify(second.token)).status, 401, "include_self revokes the caller");
    });
  });
}
