import Router from '@koa/router';
import { errors } from '../../errors.js';
import { isWellFormedId } from '../../lib/ids.js';
import { toJobView } from '../../services/job-view.js';
import type { AppState } from '../context.js';
import { principalOf } from '../context.js';
import { Job } from '../../services/schemas/responses.js';
import { routeDoc } from '../openapi/route-doc.js';
import type { RouteDeps } from './deps.js';

export const jobDocs = [
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

  const find = (state: AppState, id: string | undefined) => {
    if (!id || !isWellFormedId(id, 'job')) throw errors.notFound('Job');
    const who = principalOf(state);
    const job = deps.store.jobs.get(id, who.admin ? undefined : who.project);
    if (!job) throw errors.notFound('Job');
    return job;
  };

  router.get('/jobs/:id', deps.signed, (ctx) => {
    const job = find(ctx.state, ctx.params.id);
    ctx.body = toJobView(job, deps.store.files.forJob(job.id), deps.presigner);
  });

  /** Cancels a queued or running job and deletes whatever files it has; finished jobs just lose their files. */
  router.delete('/jobs/:id', deps.signed, (ctx) => {
    const job = find(ctx.state, ctx.params.id);
    deps.jobs.cancel(job.id);
    deps.store.files.deleteForJob(job.id);
    deps.files.remove(`jobs/${job.id}`);
    ctx.status = 204;
  });

  return router;
}
