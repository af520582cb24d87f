import { errors } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';

/**
 * Per-key token bucket (requests per minute, bursts up to the same number); 0 disables it. Auth spends
 * a token only for a proven caller, so requests forged in a key's name never use up its budget.
 */
export function keyRateLimiter(perMinute: number, clock: Clock): (keyId: string) => void {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const ratePerMs = perMinute / 60_000;
  return (keyId) => {
    if (perMinute <= 0) return;
    const now = clock.now();
    const b = buckets.get(keyId) ?? { tokens: perMinute, at: now };
    b.tokens = Math.min(perMinute, b.tokens + (now - b.at) * ratePerMs);
    b.at = now;
    buckets.set(keyId, b);
    if (b.tokens < 1) throw errors.rateLimited((1 - b.tokens) / ratePerMs / 1000);
    b.tokens -= 1;
  };
}
