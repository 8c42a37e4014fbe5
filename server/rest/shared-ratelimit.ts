/**
 * Rate limits counted across processes in Redis (rate-limiter-flexible's RateLimiterRedis:
 * an atomic INCR with a one-second expiry per key). When Redis cannot answer, each limiter's
 * in-memory insurance counts instead, the gauge says so, and requests are never held up
 * waiting for Redis.
 */
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { Metrics } from "../observability/metrics";
import type { RateDecision, RateLimits } from "./ratelimit";

/** Per-token limits differ; one limiter per distinct limit is kept, up to this many. */
const MAX_LIMITERS = 1_000;

class InsuranceLimiter extends RateLimiterMemory {
  constructor(
    points: number,
    private readonly onUse: () => void,
  ) {
    super({ points, duration: 1 });
  }

  override consume(key: string | number, points?: number, options?: Record<string, unknown>): Promise<RateLimiterRes> {
    this.onUse();
    return super.consume(key, points, options);
  }
}

export class SharedRateLimiter implements RateLimits {
  private readonly limiters = new Map<number, RateLimiterRedis>();

  constructor(
    private readonly deps: {
      redis: Redis;
      prefix: string;
      metrics: Pick<Metrics, "rateLimitInsurance" | "rateLimitInsuranceDecisions">;
    },
  ) {
    const insured = () => deps.metrics.rateLimitInsurance.set(deps.redis.status === "ready" ? 0 : 1);
    deps.redis.on("ready", insured);
    deps.redis.on("close", insured);
    insured();
  }

  async check(key: string, limit: number): Promise<RateDecision> {
    let res: RateLimiterRes;
    try {
      res = await this.limiter(limit).consume(key);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      res = err;
    }
    return {
      allowed: res.consumedPoints <= limit,
      limit,
      remaining: Math.max(0, limit - res.consumedPoints),
      reset: Math.ceil((Date.now() + res.msBeforeNext) / 1000),
    };
  }

  private limiter(points: number): RateLimiterRedis {
    let limiter = this.limiters.get(points);
    if (!limiter) {
      if (this.limiters.size >= MAX_LIMITERS) this.limiters.clear();
      const insurance = new InsuranceLimiter(points, () => {
        this.deps.metrics.rateLimitInsuranceDecisions.inc();
        this.deps.metrics.rateLimitInsurance.set(1);
      });
      limiter = new RateLimiterRedis({
        storeClient: this.deps.redis,
        keyPrefix: `${this.deps.prefix}:rl:${points}`,
        points,
        duration: 1,
        rejectIfRedisNotReady: true,
        insuranceLimiter: insurance,
      });
      this.limiters.set(points, limiter);
    }
    return limiter;
  }
}
