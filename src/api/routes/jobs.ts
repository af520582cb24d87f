import Router from '@koa/router';
import { parseInput } from '../../services/schemas/parse.js';
import { JobListQuery } from '../../services/schemas/requests.js';
import type { AppState } from '../context.js';
import { principalOf } from '../context.js';
import { Job, JobList } from '../../services/schemas/responses.js';
import { routeDoc } from '../openapi/route-doc.js';
import type { RouteDeps } from './deps.js';

export const jobDocs = [
  routeDoc({
    method: 'get',
    path: '/v1/jobs',
    summary: 'The caller’s jobs, newest first',
    description:
      'A project key sees its project’s jobs; an admin key every project’s, or one with `project`. Items have the shape of GET /v1/jobs/{id}. Pass `next_cursor` as `cursor` for the next page; it is null on the last.',
    tag: 'jobs',
    auth: 'key',
    query: JobListQuery,
    errors: ['INVALID_INPUT', 'FORBIDDEN'],
    responses: { 200: { description: 'One page.', schema: JobList } },
  }),
  routeDoc({
    method: 'get',
    path: '/v1/jobs/{id}',
    summary: 'One job',
    tag: 'jobs',
    auth: 'key',
    params: { id: 'job id' },
    description: 'Download URLs in `result` are signed afresh on every read.',
    errors: ['NOT_FOUND'],
    responses: { 200: { description: 'The job.', schema: Job } },
  }),
  routeDoc({
    method: 'delete',
    path: '/v1/jobs/{id}',
    summary: 'Cancel a job and delete its files',
    tag: 'jobs',
    auth: 'key',
    params: { id: 'job id' },
    errors: ['NOT_FOUND'],
    responses: { 204: { description: 'Canceled (or its files deleted).' } },
  }),
];

export function jobRoutes(deps: RouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  const service = deps.jobService;

  router.get('/jobs', deps.signed, async (ctx) => {
    ctx.body = await service.list(principalOf(ctx.state), parseInput(JobListQuery, ctx.query));
  });

  router.get('/jobs/:id', deps.signed, async (ctx) => {
    ctx.body = await service.get(principalOf(ctx.state), ctx.params.id);
  });

  router.delete('/jobs/:id', deps.signed, async (ctx) => {
    await service.cancel(principalOf(ctx.state), ctx.params.id);
    ctx.status = 204;
  });

  return router;
}
