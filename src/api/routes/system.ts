import Router from '@koa/router';
import type { SystemReport } from '../../services/system.js';
import type { AppState } from '../context.js';
import { requireAdmin } from '../middleware/auth.js';
import type { RouteDeps } from './deps.js';
import { z } from 'zod';
import { routeDoc } from '../openapi/route-doc.js';

export const systemDocs = [
  routeDoc({
    method: 'get',
    path: '/v1/admin/system',
    summary: 'Version, devices, model packs and their voices, quick checks',
    tag: 'admin',
    auth: 'admin',
    errors: [],
    responses: {
      200: { description: 'The system report.', schema: z.record(z.string(), z.unknown()) },
    },
  }),
];

/** `GET /v1/admin/system` (admin): version, devices, model packs, voices and quick checks. */
export function systemRoutes(deps: RouteDeps, report: () => Promise<SystemReport>): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/admin/system', requireAdmin(), deps.signed, async (ctx) => {
    ctx.body = await report();
  });
  return router;
}
