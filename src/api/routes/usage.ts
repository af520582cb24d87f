import Router from '@koa/router';
import { errors } from '../../errors.js';
import { monthOf } from '../../lib/clock.js';
import { buildUsageReport } from '../../services/usage.js';
import type { AppState } from '../context.js';
import { principalOf } from '../context.js';
import type { RouteDeps } from './deps.js';

export function usageRoutes(deps: RouteDeps, flushUsage: () => void): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/usage', deps.signed, (ctx) => {
    const month = ctx.query.month ?? monthOf(deps.clock.now());
    if (typeof month !== 'string' || !/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
      throw errors.invalidInput('month must be YYYY-MM.', { field: 'month' });
    }
    const who = principalOf(ctx.state);
    flushUsage();
    ctx.body = buildUsageReport(deps.store.usage, month, who.admin ? undefined : who.project);
  });
  return router;
}
