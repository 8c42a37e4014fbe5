/**
 * Fixed one-second windows per key (a principal's subject or a client IP). Counters live in this
 * process (several processes behind one address each keep their own counts).
 */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds when the current window ends. */
  reset: number;
}

export class RateLimiter {
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
