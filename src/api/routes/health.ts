import Router from '@koa/router';
import type { AppState } from '../context.js';
import type { RouteDeps } from './deps.js';

export function healthRoutes(deps: RouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', (ctx) => {
    const database = deps.store.db.open;
    const engines = deps.ready();
    ctx.status = database && engines ? 200 : 503;
    if (ctx.status === 503) ctx.set('Retry-After', '2');
    ctx.body = { ready: database && engines, database, engines };
  });
  return router;
}
