// Errors and input handling: problem+json with request_id everywhere, request ids, body
// limits, content types, field-level 400s, unknown routes, and fuzzed junk that must be
// refused with a 4xx and change nothing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { assertNamesField, assertProblem, createRealm, createToken, putSecret, startCore, uid } from "../helpers/core";
import { STORES, type TestServer } from "../helpers/server";

const REQ_ID = /^req_[0-9a-f]{32}$/;

for (const store of STORES) {
  describe(`errors and input (${store})`, () => {
    let s: TestServer;
    let realm: string;
    let tokenId: string;
    before(async () => {
      s = await startCore(store);
      realm = `err-${uid()}`;
      await createRealm(s, realm);
      await putSecret(s, realm, "fixed", "fixed-value");
      tokenId = (await createToken(s, { name: "fuzz-target", capabilities: ["realms:read"] })).id;
    });
    after(() => s.cleanup());

    /** Everything a junk request could have changed, as the admin sees it. */
    async function snapshot(): Promise<string> {
      const parts = await Promise.all([
        s.request("GET", "/api/v1/realms"),
        s.request("GET", "/api/v1/auth/tokens?limit=500"),
        s.request("GET", "/api/v1/roles"),
        s.request("GET", "/api/v1/bindings"),
        s.request("GET", `/api/v1/realms/${realm}/secrets`),
        s.request("GET", `/api/v1/realms/${realm}/secrets/fixed`),
      ]);
      for (const p of parts) assert.equal(p.status, 200, p.text);
      // last_used_at moves with every authenticated request; it is not state a client changes.
      return JSON.stringify(parts.map((p) => p.body), (k, v) => (k === "last_used_at" ? undefined : v));
    }

    it("keeps a client's X-Request-Id, otherwise assigns req_…, on every response", async () => {
      const kept = await s.request("GET", "/api/v1/realms", { headers: { "X-Request-Id": "client-id-123" } });
      assert.equal(kept.status, 200);
      assert.equal(kept.headers["x-request-id"], "client-id-123");
      const keptError = await s.request("GET", "/api/v1/realms/nope", { headers: { "X-Request-Id": "client-id-456" } });
      assert.equal(assertProblem(keptError, 404).request_id, "client-id-456");
      assert.match(String((await s.request("GET", "/health", { token: null })).headers["x-request-id"]), REQ_ID);
      assert.match(String((await s.request("GET", "/api/v1/realms")).headers["x-request-id"]), REQ_ID);
      const bad = await s.request("GET", "/api/v1/realms/nope", { headers: { "X-Request-Id": "has spaces and \u00e9" } });
      assert.match(assertProblem(bad, 404).request_id, REQ_ID, "an unusable id is replaced");
      const long = await s.request("GET", "/api/v1/realms", { headers: { "X-Request-Id": "x".repeat(500) } });
      assert.match(String(long.headers["x-request-id"]), REQ_ID);
    });

    it("answers every kind of error as problem+json", async () => {
      assertProblem(await s.request("GET", "/api/v1/realms", { token: null }), 401, "token_missing");
      assertProblem(await s.request("GET", "/api/v1/no-such-thing"), 404, "route_not_found");
      assertProblem(await s.request("GET", "/api/v1/no-such-thing", { token: null }), 404);
      assertProblem(await s.request("DELETE", "/api/v1/realms"), 405, "method_not_allowed");
      assertProblem(await s.request("PUT", "/api/v1/auth/tokens"), 405, "method_not_allowed");
      assertProblem(await s.request("POST", "/api/v1/realms", { body: { name: realm } }), 409);
      const weak = await createToken(s, {});
      assertProblem(await s.request("POST", "/api/v1/realms", { token: weak.token, body: { name: "x" } }), 403);
      const noStack = await s.request("POST", "/api/v1/realms", { rawBody: "{", headers: { "Content-Type": "application/json" } });
      assert.doesNotMatch(noStack.text, /at .*\.ts:\d+|SyntaxError|Unexpected/);
    });

    it("refuses a body over 1 MiB with 413 and writes nothing", async () => {
      const before = await snapshot();
      const big = JSON.stringify({ value: "x".repeat(1024 * 1024) });
      const r = await s.request("PUT", `/api/v1/realms/${realm}/secrets/fixed`, { rawBody: big, headers: { "Content-Type": "application/json" } });
      assertProblem(r, 413, "payload_too_large");
      const justUnder = JSON.stringify({ value: "y".repeat(400 * 1024) });
      assert.equal((await s.request("PUT", `/api/v1/realms/${realm}/secrets/under`, { rawBody: justUnder, headers: { "Content-Type": "application/json" } })).status, 200);
      assert.equal((await s.request("DELETE", `/api/v1/realms/${realm}/secrets/under`)).status, 204);
      assert.equal(await snapshot(), before);
    });

    it("refuses non-JSON, malformed JSON, unknown fields and wrong types, naming the field", async () => {
      const before = await snapshot();
      const put = `/api/v1/realms/${realm}/secrets/fixed`;
      assertProblem(await s.request("PUT", put, { rawBody: "value=x", headers: { "Content-Type": "application/x-www-form-urlencoded" } }), 415, "unsupported_media_type");
      assertProblem(await s.request("PUT", put, { rawBody: '{"value":"x"}', headers: { "Content-Type": "text/plain" } }), 415);
      assertProblem(await s.request("PUT", put, { rawBody: '{"value":"x"}' }), 415);
      assertProblem(await s.request("PUT", put, { rawBody: '{"value": "x",', headers: { "Content-Type": "application/json" } }), 400, "malformed_json");
      assertNamesField(await s.request("POST", "/api/v1/realms", { body: { name: `ok-${uid()}`, colour: "red" } }), "colour");
      assertNamesField(await s.request("PUT", put, { body: { value: "x", ttl: 5 } }), "ttl");
      assertNamesField(await s.request("POST", "/api/v1/realms", { body: { name: 5 } }), "name");
      assertNamesField(await s.request("POST", "/api/v1/auth/tokens", { body: { name: "x", capabilities: "admin" } }), "capabilities");
      assertNamesField(await s.request("POST", "/api/v1/auth/tokens", { body: { name: "x", rate_limit: "fast" } }), "rate_limit");
      assertNamesField(await s.request("PATCH", `/api/v1/auth/tokens/${tokenId}`, { body: { rate_limit: 0 } }), "rate_limit");
      assertProblem(await s.request("POST", "/api/v1/realms", { body: [{ name: "x" }] }), 400);
      assertProblem(await s.request("POST", "/api/v1/realms", { body: null }), 400);
      assertProblem(await s.request("GET", "/api/v1/realms", { body: { surprise: true } }), 400);
      assertNamesField(await s.request("GET", "/api/v1/audit?limit=ten"), "limit");
      assertNamesField(await s.request("GET", "/api/v1/audit?colour=red"), "colour");
      assertNamesField(await s.request("GET", "/api/v1/audit?from=yesterday"), "from");
      assertProblem(await s.request("GET", "/api/v1/audit?cursor=abc"), 400);
      assertProblem(await s.request("GET", "/api/v1/realms/%E0%A4%A"), 400);
      assert.equal(await snapshot(), before, "bad input changed nothing");
    });

    // Every documented operation (paths, queries, bodies, framing) is fuzzed in test/security/fuzz.test.ts;
    // this property adds that refused bodies leave the state unchanged.
    it("fuzzed junk bodies get a 4xx, never a 5xx, and change nothing", async () => {
      const before = await snapshot();
      // Bodies that could be valid are left out: anything else must be refused.
      const endpoints: { method: string; path: string; allowed: string[] }[] = [
        { method: "POST", path: "/api/v1/realms", allowed: ["name", "description"] },
        { method: "PATCH", path: `/api/v1/realms/${realm}`, allowed: ["description"] },
        { method: "PUT", path: `/api/v1/realms/${realm}/secrets/fixed`, allowed: ["value", "cas"] },
        { method: "POST", path: "/api/v1/auth/tokens", allowed: ["name", "description", "ttl", "capabilities", "realms", "is_admin", "rate_limit"] },
        { method: "PATCH", path: `/api/v1/auth/tokens/${tokenId}`, allowed: ["name", "description", "rate_limit"] },
        { method: "POST", path: "/api/v1/roles", allowed: ["name", "description", "capabilities"] },
        { method: "POST", path: "/api/v1/bindings", allowed: ["subject", "role", "realm"] },
        { method: "POST", path: "/api/v1/auth/tokens/revoke-all", allowed: [] },
      ];
      const junk = fc.oneof(
        fc.jsonValue().map((v) => ({ raw: JSON.stringify(v) ?? "null", parsed: v as unknown })),
        fc.string({ maxLength: 200 }).map((t) => ({ raw: t, parsed: undefined as unknown })),
        fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => ({ raw: Buffer.from(b).toString("latin1"), parsed: undefined as unknown })),
        fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1 }).map((o) => ({ raw: JSON.stringify(o), parsed: o as unknown })),
      );
      const couldBeValid = (raw: string, allowed: string[]): boolean => {
        let value: unknown;
        try {
          value = JSON.parse(raw);
        } catch {
          return false;
        }
        if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
        return Object.keys(value).every((k) => allowed.includes(k));
      };
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...endpoints), junk, async (ep, body) => {
          fc.pre(body.raw.length > 0 && !couldBeValid(body.raw, ep.allowed));
          const r = await s.request(ep.method, ep.path, { rawBody: body.raw, headers: { "Content-Type": "application/json" } });
          assert.ok(r.status >= 400 && r.status < 500, `${ep.method} ${ep.path} ${JSON.stringify(body.raw)} → ${r.status} ${r.text}`);
          assertProblem(r, r.status);
        }),
        { numRuns: 150 },
      );
      assert.equal(await snapshot(), before, "nothing changed");
    });
  });
}
