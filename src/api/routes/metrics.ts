import Router from '@koa/router';
import type { Registry } from 'prom-client';
import type { AppState } from '../context.js';

/** `GET /metrics`: Prometheus text format, unauthenticated like /healthz, on the API's own listener. */
export function metricsRoutes(registry: Registry): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/metrics', async (ctx) => {
    const text = await registry.metrics();
    ctx.set('Content-Type', registry.contentType);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = text;
  });
  return router;
}
