import { z } from 'zod';
import { routeDoc } from '../openapi/route-doc.js';
import Router from '@koa/router';
import type { Registry } from 'prom-client';
import type { AppState } from '../context.js';

export const metricsDocs = [
  routeDoc({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    tag: 'operations',
    auth: 'none',
    errors: [],
    responses: { 200: { description: 'Prometheus text format.', type: 'text/plain', schema: z.string() } },
  }),
];

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
