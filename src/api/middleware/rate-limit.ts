import type { Middleware } from 'koa';
import { errors } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import type { AppState } from '../context.js';

/** Per-key token bucket (requests per minute, bursts up to the same number); 0 disables it. */
export function rateLimit(perMinute: number, clock: Clock): Middleware<AppState> {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const ratePerMs = perMinute / 60_000;
  return async (ctx, next) => {
    const keyId = ctx.state.principal?.keyId;
    if (perMinute > 0 && keyId) {
      const now = clock.now();
      const b = buckets.get(keyId) ?? { tokens: perMinute, at: now };
      b.tokens = Math.min(perMinute, b.tokens + (now - b.at) * ratePerMs);
      b.at = now;
      buckets.set(keyId, b);
      if (b.tokens < 1) throw errors.rateLimited((1 - b.tokens) / ratePerMs / 1000);
      b.tokens -= 1;
    }
    await next();
  };
}
