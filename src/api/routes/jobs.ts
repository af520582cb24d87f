import Router from '@koa/router';
import { errors } from '../../errors.js';
import { isWellFormedId } from '../../lib/ids.js';
import { viewJob } from '../../services/job-view.js';
import type { AppState } from '../context.js';
import { principalOf } from '../context.js';
import type { RouteDeps } from './deps.js';

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
    ctx.body = viewJob(deps.store, deps.presigner, job);
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
