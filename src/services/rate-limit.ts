import { errors } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import type { RateBucketsRepo } from '../store/rate-buckets-repo.js';

/**
 * Per-key token bucket (requests per minute, bursts up to the same number); 0 disables it. Auth spends
 * a token only for a proven caller, so requests forged in a key's name never use up its budget.
 */
export interface RateLimiter {
  /** Spends one request of the key's budget, or throws RATE_LIMITED with the wait. */
  take(keyId: string): Promise<void>;
}

/** One node: the buckets in memory. */
export function memoryRateLimiter(perMinute: number, clock: Clock): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const ratePerMs = perMinute / 60_000;
  return {
    take: async (keyId) => {
      if (perMinute <= 0) return;
      const now = clock.now();
      const b = buckets.get(keyId) ?? { tokens: perMinute, at: now };
      b.tokens = Math.min(perMinute, b.tokens + (now - b.at) * ratePerMs);
      b.at = now;
      buckets.set(keyId, b);
      if (b.tokens < 1) throw errors.rateLimited((1 - b.tokens) / ratePerMs / 1000);
      b.tokens -= 1;
    },
  };
}

/**
 * Nodes sharing a database: the buckets are rows, refilled and spent in one statement, so a key's
 * budget is the same whichever node its requests reach.
 */
export function sharedRateLimiter(repo: RateBucketsRepo, perMinute: number, clock: Clock): RateLimiter {
  const ratePerMs = perMinute / 60_000;
  return {
    take: async (keyId) => {
      if (perMinute <= 0) return;
      const left = await repo.take(keyId, clock.now(), perMinute, ratePerMs);
      if (left.taken) return;
      throw errors.rateLimited((1 - left.tokens) / ratePerMs / 1000);
    },
  };
}
