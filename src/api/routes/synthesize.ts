import Router from '@koa/router';
import type { AppState } from '../context.js';
import { principalOf } from '../context.js';
import { SynthesizeBody } from '../../services/schemas/requests.js';
import { JobCreated } from '../../services/schemas/responses.js';
import { JOB_CREATION_ERRORS, routeDoc } from '../openapi/route-doc.js';
import type { RouteDeps } from './deps.js';

export const synthesizeDocs = [
  routeDoc({
    method: 'post',
    path: '/v1/synthesize',
    summary: 'Synthesize a script (a job)',
    tag: 'synthesis',
    auth: 'key',
    description:
      'Lines, characters per line and per request are limited by `[limits]`; the job is in the database before the 202.',
    body: { type: 'application/json', schema: SynthesizeBody },
    errors: JOB_CREATION_ERRORS,
    responses: { 202: { description: 'Accepted; Location names the job.', schema: JobCreated } },
  }),
];

export function synthesizeRoutes(deps: RouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.post('/synthesize', deps.admitted, ...deps.bodies.json, deps.signed, async (ctx) => {
    const created = await deps.synthesis.accept(principalOf(ctx.state), ctx.request.body);
    ctx.status = 202;
    ctx.set('Location', `/v1/jobs/${created.job_id}`);
    ctx.body = created;
  });
  return router;
}
