// node --import tsx --test server/rest/shared-ratelimit.test.ts   (needs Redis at 127.0.0.1:6379)
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, describe, it } from "node:test";
import { connectRedis } from "../cluster/redis";
import { createMetrics } from "../observability/metrics";
import { SharedRateLimiter } from "./shared-ratelimit";

const REDIS = process.env.ARCAN_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

describe("SharedRateLimiter", () => {
  const clients: ReturnType<typeof connectRedis>[] = [];
  after(() => clients.forEach((c) => c.disconnect()));
  const limiter = async (url: string, prefix: string) => {
    const redis = connectRedis(url, "limiter");
    clients.push(redis);
    await redis.connect().catch(() => {});
    const metrics = createMetrics();
    return { limiter: new SharedRateLimiter({ redis, prefix, metrics }), metrics };
  };

  it("counts one budget across two limiters (two processes), with the contract's fields", async () => {
    const prefix = `arcan-unit-${randomBytes(6).toString("hex")}`;
    const [one, two] = [await limiter(REDIS, prefix), await limiter(REDIS, prefix)];
    const decisions = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? one : two).limiter.check("token:t1", 5)));
    assert.equal(decisions.filter((d) => d.allowed).length, 5);
    assert.deepEqual(decisions.map((d) => d.remaining).sort(), [0, 0, 0, 0, 1, 2, 3, 4]);
    const now = Date.now() / 1000;
    for (const d of decisions) {
      assert.equal(d.limit, 5);
      assert.ok(d.reset > now && d.reset <= now + 2, `reset ${d.reset} is Unix seconds within the window`);
    }
    assert.equal((await one.limiter.check("token:other", 5)).allowed, true, "another key has its own budget");
    assert.equal(await one.metrics.rateLimitInsurance.get().then((g) => g.values[0]?.value), 0);
  });

  it("falls back to the in-memory insurance when Redis is unreachable, and says so", async () => {
    const { limiter: down, metrics } = await limiter("redis://127.0.0.1:1", "arcan-unit-down");
    const started = performance.now();
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await down.check("ip:127.0.0.1", 3));
    assert.ok(performance.now() - started < 500, "requests are not held up waiting for Redis");
    assert.deepEqual(decisions.map((d) => d.allowed), [true, true, true, false]);
    assert.equal((await metrics.rateLimitInsurance.get()).values[0]?.value, 1);
    assert.equal((await metrics.rateLimitInsuranceDecisions.get()).values[0]?.value, 4);
  });
});
