// Abuse limits: in-memory token buckets keyed by visitor subject or client address. One process
// holds them (with several app nodes each node limits on its own, which only loosens the limit).
export interface Bucket {
  tokens: number;
  updated: number;
}

export interface RateLimit {
  /** how many in the window */
  limit: number;
  windowMs: number;
}

export interface RateLimiter {
  /** takes one token; 0 when allowed, else the seconds until one is free */
  take(key: string, rate: RateLimit): number;
  /** drops buckets that have refilled completely (they hold no information) */
  sweep(): void;
  size(): number;
}

export function createRateLimiter(now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, Bucket & { fullAt: number }>();
  return {
    take(key, { limit, windowMs }) {
      const t = now();
      const perMs = limit / windowMs;
      const b = buckets.get(key) ?? { tokens: limit, updated: t, fullAt: t };
      b.tokens = Math.min(limit, b.tokens + (t - b.updated) * perMs);
      b.updated = t;
      if (b.tokens < 1) {
        buckets.set(key, b);
        return Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
      }
      b.tokens -= 1;
      b.fullAt = t + (limit - b.tokens) / perMs;
      buckets.set(key, b);
      return 0;
    },
    sweep() {
      const t = now();
      for (const [k, b] of buckets) if (b.fullAt <= t) buckets.delete(k);
    },
    size: () => buckets.size,
  };
}

export const perMinute = (limit: number): RateLimit => ({ limit, windowMs: 60_000 });
export const perHour = (limit: number): RateLimit => ({ limit, windowMs: 3_600_000 });
