import Router from '@koa/router';
import { Health, Ready } from '../../services/schemas/responses.js';
import type { AppState } from '../context.js';
import { routeDoc } from '../openapi/route-doc.js';
import type { RouteDeps } from './deps.js';

export const healthDocs = [
  routeDoc({
    method: 'get',
    path: '/healthz',
    summary: 'Alive',
    tag: 'operations',
    auth: 'none',
    errors: [],
    responses: { 200: { description: 'The process answers.', schema: Health } },
  }),
  routeDoc({
    method: 'get',
    path: '/readyz',
    summary: 'Ready: database open, workers warmed up',
    tag: 'operations',
    auth: 'none',
    errors: ['UNAVAILABLE'],
    responses: {
      200: { description: 'Ready.', schema: Ready },
      503: { description: 'Not ready yet (Retry-After).', schema: Ready },
    },
  }),
];

export function healthRoutes(deps: RouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', (ctx) => {
    const database = deps.databaseOpen();
    const engines = deps.ready();
    ctx.status = database && engines ? 200 : 503;
    if (ctx.status === 503) ctx.set('Retry-After', '2');
    ctx.body = { ready: database && engines, database, engines };
  });
  return router;
}
