import Router from '@koa/router';
import type { AppState } from '../context.js';
import { principalOf } from '../context.js';
import type { RouteDeps } from './deps.js';

export function synthesizeRoutes(deps: RouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.post('/synthesize', deps.admitted, ...deps.bodies.json, deps.signed, (ctx) => {
    const who = principalOf(ctx.state);
    const payload = deps.synthesis.validate(who, ctx.request.body);
    const callback = deps.webhooks.checkUrl((ctx.request.body as { callback_url?: unknown }).callback_url);
    deps.synthesis.admit(who, payload);
    const created = deps.synthesis.enqueue(who, payload, callback);
    deps.jobs.notify();
    ctx.status = 202;
    ctx.set('Location', `/v1/jobs/${created.job_id}`);
    ctx.body = created;
  });
  return router;
}
