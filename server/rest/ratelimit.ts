/**
 * Fixed one-second windows per key (a principal's subject or a client IP). This in-memory
 * limiter counts within one process: it is the limiter without Redis (limits are then per
 * process) and the insurance of the shared one while Redis is away (shared-ratelimit.ts).
 */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds when the current window ends. */
  reset: number;
}

/** What the request chain calls: in memory it answers at once (no await on the hot path); shared, it answers through Redis. */
export interface RateLimits {
  check(key: string, limit: number): RateDecision | Promise<RateDecision>;
}

export class RateLimiter implements RateLimits {
  private window = 0;
  private counts = new Map<string, number>();

  check(key: string, limit: number, nowMs = Date.now()): RateDecision {
    const window = Math.floor(nowMs / 1000);
    if (window !== this.window) {
      this.window = window;
      this.counts = new Map();
    }
    const used = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, used);
    return { allowed: used <= limit, limit, remaining: Math.max(0, limit - used), reset: window + 1 };
  }
}
