// Rate limits: per token (default and per-token `rate_limit`) and per IP for
// unauthenticated requests, with X-RateLimit-* headers and 429 + Retry-After.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { assertProblem, createToken, sleep } from "../helpers/core";
import { startServer, STORES, type Reply, type TestServer } from "../helpers/server";

/** Waits for the start of a fresh one-second window, so a burst is not split across two. */
async function freshWindow(): Promise<void> {
  const into = Date.now() % 1000;
  await sleep(1000 - into + 20);
}

function assertLimitHeaders(r: Reply, limit: number): void {
  assert.equal(r.headers["x-ratelimit-limit"], String(limit), r.text);
  const remaining = Number(r.headers["x-ratelimit-remaining"]);
  assert.ok(Number.isInteger(remaining) && remaining >= 0 && remaining < limit, `remaining ${remaining}`);
  const reset = Number(r.headers["x-ratelimit-reset"]);
  const now = Date.now() / 1000;
  assert.ok(reset > now - 1 && reset <= now + 2, `reset ${reset} is Unix seconds, within the window`);
}

function assertLimited(r: Reply): void {
  assertProblem(r, 429, "rate_limited");
  const retry = Number(r.headers["retry-after"]);
  assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 2, `Retry-After ${r.headers["retry-after"]}`);
}

for (const store of STORES) {
  describe(`rate limits (${store})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer({ store, env: { ARCAN_RATE_LIMIT_PER_IP: "4" } });
    });
    after(() => s.cleanup());

    it("limits a token to its rate_limit, with headers on every response", async () => {
      const t = await createToken(s, { capabilities: ["realms:read"], rate_limit: 5 });
      await freshWindow();
      const replies = await Promise.all(Array.from({ length: 8 }, () => s.request("GET", "/api/v1/realms", { token: t.token })));
      const ok = replies.filter((r) => r.status === 200);
      const limited = replies.filter((r) => r.status === 429);
      assert.equal(ok.length + limited.length, 8, replies.map((r) => r.status).join(","));
      assert.equal(ok.length, 5, `exactly the limit passes: ${replies.map((r) => r.status).join(",")}`);
      for (const r of replies) assertLimitHeaders(r, 5);
      for (const r of limited) assertLimited(r);
      assert.deepEqual(ok.map((r) => Number(r.headers["x-ratelimit-remaining"])).sort(), [0, 1, 2, 3, 4]);

      const admin = await s.request("GET", "/api/v1/realms");
      assert.equal(admin.status, 200, "another token has its own budget");
      assert.equal(admin.headers["x-ratelimit-limit"], "100", "the default per-token limit");

      await sleep(Number(limited[0]!.headers["retry-after"]) * 1000);
      assert.equal((await s.request("GET", "/api/v1/realms", { token: t.token })).status, 200, "after Retry-After the token works again");
    });

    it("a PATCHed rate_limit takes effect", async () => {
      const t = await createToken(s, { capabilities: ["realms:read"] });
      assert.equal((await s.request("PATCH", `/api/v1/auth/tokens/${t.id}`, { body: { rate_limit: 2 } })).status, 200);
      await freshWindow();
      const replies = await Promise.all(Array.from({ length: 4 }, () => s.request("GET", "/api/v1/realms", { token: t.token })));
      assert.equal(replies.filter((r) => r.status === 200).length, 2, replies.map((r) => r.status).join(","));
      for (const r of replies) assertLimitHeaders(r, 2);
    });

    it("limits unauthenticated requests per IP (ARCAN_RATE_LIMIT_PER_IP)", async () => {
      await freshWindow();
      const replies = await Promise.all(Array.from({ length: 7 }, () => s.request("GET", "/health", { token: null })));
      assert.equal(replies.filter((r) => r.status === 200).length, 4, replies.map((r) => r.status).join(","));
      for (const r of replies) assertLimitHeaders(r, 4);
      for (const r of replies.filter((x) => x.status === 429)) assertLimited(r);
      const authed = await s.request("GET", "/api/v1/realms");
      assert.equal(authed.status, 200, "a token's requests are not counted against the IP budget");

      await freshWindow();
      const bad = await Promise.all(Array.from({ length: 6 }, () => s.request("GET", "/api/v1/realms", { token: "arc_not_a_real_token" })));
      assert.equal(bad.filter((r) => r.status === 401).length, 4, bad.map((r) => r.status).join(","));
      for (const r of bad.filter((x) => x.status === 429)) assertLimited(r);
    });
  });
}
