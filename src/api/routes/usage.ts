import Router from '@koa/router';
import { monthOf } from '../../lib/clock.js';
import type { AppState } from '../context.js';
import { principalOf } from '../context.js';
import { parseInput } from '../../services/schemas/parse.js';
import { UsageQuery } from '../../services/schemas/requests.js';
import { Usage } from '../../services/schemas/responses.js';
import { routeDoc } from '../openapi/route-doc.js';
import type { RouteDeps } from './deps.js';

export const usageDocs = [
  routeDoc({
    method: 'get',
    path: '/v1/usage',
    summary: 'Usage of a month',
    tag: 'usage',
    auth: 'key',
    description: 'Per key and in total; a project key sees its project, an admin key every project.',
    query: UsageQuery,
    errors: ['INVALID_INPUT'],
    responses: { 200: { description: 'The report.', schema: Usage } },
  }),
];

export function usageRoutes(deps: RouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/usage', deps.signed, async (ctx) => {
    const month = parseInput(UsageQuery, ctx.query).month ?? monthOf(deps.clock.now());
    ctx.body = await deps.usage.report(principalOf(ctx.state), month);
  });
  return router;
}
