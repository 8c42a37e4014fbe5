// The invalidation bus's two transports and their outages. Without Redis, PostgreSQL
// LISTEN/NOTIFY carries invalidations; when the listening connection is killed
// (pg_terminate_backend) the process drops its caches, reconnects and drops them again.
// With Redis (a private redis-server this test stops and starts; never the shared one),
// both processes report `bus: degraded` and `redis: down` while it is away, bypass their
// caches (a revocation still holds everywhere at once), count rate limits in memory (the
// insurance gauge says so), and recover when Redis is back.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createToken } from "../helpers/core";
import type { TestServer } from "../helpers/server";
import { as, metric, privateRedis, startCluster, timeUntil, type Cluster, type PrivateRedis } from "./helpers";

const ALL_DROPPED = 'kind="all"';
const dropped = async (s: TestServer) => metric((await s.request("GET", "/metrics", { token: null })).text, "arcan_invalidations_applied_total", ALL_DROPPED);
const checks = async (s: TestServer) => (await s.request("GET", "/ready", { token: null })).body.checks;

describe("invalidation bus over PostgreSQL LISTEN/NOTIFY (no Redis)", () => {
  let cluster: Cluster;
  let a: TestServer;
  let b: TestServer;
  let admin: ReturnType<typeof as>;

  before(async () => {
    cluster = await startCluster(2, { ARCAN_RATE_LIMIT_PER_TOKEN: "100000", ARCAN_RATE_LIMIT_PER_IP: "100000" });
    [a, b] = cluster.nodes as [TestServer, TestServer];
    admin = as(cluster.adminToken);
  });
  after(() => cluster?.cleanup());

  it("reports the bus on /ready and carries a revocation to the other process within a second", async (t) => {
    assert.deepEqual(await checks(b), { store: true, key: true, kms: true, bus: "ok", bus_transport: "postgres", redis: "not_configured" });
    const tok = await createToken(a, { capabilities: ["realms:read"] }, cluster.adminToken);
    assert.equal((await b.request("GET", "/api/v1/realms", { token: tok.token })).status, 200);
    assert.equal((await admin(a, "POST", `/api/v1/auth/tokens/${tok.id}/revoke`)).status, 200);
    const ms = await timeUntil(async () => (await b.request("GET", "/api/v1/realms", { token: tok.token })).status === 401, 1_000, "B refuses the revoked token");
    t.diagnostic(`NOTIFY: revoke through A → refused by B after ${ms.toFixed(0)} ms`);
  });

  it("drops every cache when its listening connection is killed, and recovers", async () => {
    const tok = await createToken(a, { capabilities: ["realms:read"] }, cluster.adminToken);
    assert.equal((await b.request("GET", "/api/v1/realms", { token: tok.token })).status, 200);
    const cached = await admin(b, "GET", "/api/v1/auth/cache/stats");
    assert.ok(cached.body.size >= 2, `B caches the admin and the new token (${cached.body.size})`);
    const before = await dropped(b);
    const killed = await cluster.sql<{ ok: boolean }>(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1`, [`arcan bus ${b.pid}`]);
    assert.deepEqual(killed, [{ ok: true }], "B's listening connection was found and ended");
    await timeUntil(async () => (await dropped(b)) >= before + 2, 5_000, "B drops its caches at the outage and again on reconnecting");
    await timeUntil(async () => (await checks(b)).bus === "ok", 5_000, "B's bus is back");
    const after = await admin(b, "GET", "/api/v1/auth/cache/stats");
    assert.ok(after.body.size <= 1, `only the admin token (this request) is cached again (${after.body.size})`);
    // The new listening connection carries invalidations again.
    assert.equal((await admin(a, "POST", `/api/v1/auth/tokens/${tok.id}/revoke`)).status, 200);
    assert.equal((await b.request("GET", "/api/v1/realms", { token: tok.token })).status, 401, "nothing stale was kept");
    const again = await createToken(a, { capabilities: ["realms:read"] }, cluster.adminToken);
    assert.equal((await b.request("GET", "/api/v1/realms", { token: again.token })).status, 200);
    assert.equal((await admin(a, "DELETE", `/api/v1/auth/tokens/${again.id}`)).status, 204);
    await timeUntil(async () => (await b.request("GET", "/api/v1/realms", { token: again.token })).status === 401, 1_000, "B applies a deletion after the reconnect");
  });
});

describe("invalidation bus and rate limits over Redis, with Redis stopped and started", () => {
  let redis: PrivateRedis;
  let cluster: Cluster;
  let a: TestServer;
  let b: TestServer;
  let admin: ReturnType<typeof as>;

  before(async () => {
    redis = await privateRedis();
    await redis.start();
    cluster = await startCluster(2, { ARCAN_REDIS_URL: redis.url, ARCAN_RATE_LIMIT_PER_TOKEN: "100000", ARCAN_RATE_LIMIT_PER_IP: "100000" });
    [a, b] = cluster.nodes as [TestServer, TestServer];
    admin = as(cluster.adminToken);
  });
  after(async () => {
    await cluster?.cleanup();
    await redis?.stop();
  });

  it("reports degraded while Redis is down, keeps revocations exact and limits counted in memory, and recovers", async () => {
    for (const s of [a, b]) assert.deepEqual(await checks(s), { store: true, key: true, kms: true, bus: "ok", bus_transport: "redis", redis: "ok" });
    const tok = await createToken(a, { capabilities: ["realms:read"], rate_limit: 5 }, cluster.adminToken);
    assert.equal((await b.request("GET", "/api/v1/realms", { token: tok.token })).status, 200);
    const before = await dropped(b);

    await redis.stop();
    for (const s of [a, b]) {
      await timeUntil(async () => {
        const c = await checks(s);
        return c.bus === "degraded" && c.redis === "down";
      }, 5_000, "the outage shows on /ready");
    }
    const ready = await b.request("GET", "/ready", { token: null });
    assert.equal(ready.status, 200, "still ready: the store and the key are fine");

    // Caches are bypassed while the bus is down: a revocation through A holds on B at once.
    assert.equal((await admin(a, "POST", `/api/v1/auth/tokens/${tok.id}/revoke`)).status, 200);
    assert.equal((await b.request("GET", "/api/v1/realms", { token: tok.token })).status, 401);

    // Rate limits are still answered, by the in-memory insurance (and the metric says so).
    const limited = await createToken(a, { capabilities: ["realms:read"], rate_limit: 3 }, cluster.adminToken);
    const replies = await Promise.all(Array.from({ length: 6 }, () => b.request("GET", "/api/v1/realms", { token: limited.token })));
    assert.ok(replies.some((r) => r.status === 429), replies.map((r) => r.status).join(","));
    for (const r of replies) assert.equal(r.headers["x-ratelimit-limit"], "3");
    const metrics = (await b.request("GET", "/metrics", { token: null })).text;
    assert.equal(metric(metrics, "arcan_rate_limit_insurance_active"), 1);
    assert.ok(metric(metrics, "arcan_rate_limit_insurance_decisions_total") > 0);

    await redis.start();
    for (const s of [a, b]) await timeUntil(async () => (await checks(s)).bus === "ok", 10_000, "the bus is back");
    await timeUntil(async () => (await checks(b)).redis === "ok", 5_000, "Redis is back for the limiter");
    assert.ok((await dropped(b)) >= before + 2, "caches were dropped at the outage and on reconnecting");
    assert.equal(metric((await b.request("GET", "/metrics", { token: null })).text, "arcan_rate_limit_insurance_active"), 0);

    const fresh = await createToken(a, { capabilities: ["realms:read"] }, cluster.adminToken);
    assert.equal((await b.request("GET", "/api/v1/realms", { token: fresh.token })).status, 200);
    assert.equal((await admin(a, "POST", `/api/v1/auth/tokens/${fresh.id}/revoke`)).status, 200);
    await timeUntil(async () => (await b.request("GET", "/api/v1/realms", { token: fresh.token })).status === 401, 1_000, "B applies a revocation after Redis is back");
  });
});
