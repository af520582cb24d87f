import Router from '@koa/router';
import { type AppState, principalOf } from '../context.js';
import type { RouteDeps } from './deps.js';

/** `POST /v1/text/normalize`: what a text will be said as (no synthesis, counted as a request). */
export function textRoutes(deps: RouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.post('/text/normalize', ...deps.bodies.json, deps.signed, (ctx) => {
    ctx.body = deps.text.preview(principalOf(ctx.state), ctx.request.body);
  });
  return router;
}
