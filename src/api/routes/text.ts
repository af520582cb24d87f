import Router from '@koa/router';
import { type AppState, principalOf } from '../context.js';
import type { RouteDeps } from './deps.js';
import { NormalizeBody, NormalizeResult } from '../../services/schemas/text-speech.js';
import { routeDoc } from '../openapi/route-doc.js';

export const textDocs = [
  routeDoc({
    method: 'post',
    path: '/v1/text/normalize',
    summary: 'What a text will be said as',
    tag: 'text',
    auth: 'key',
    description: 'Hangul for ko, kana for ja, words for en; lexicon entries win over the rules.',
    body: { type: 'application/json', schema: NormalizeBody },
    errors: ['INVALID_INPUT', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA'],
    responses: { 200: { description: 'The spoken form and its tokens.', schema: NormalizeResult } },
  }),
];

/** `POST /v1/text/normalize`: what a text will be said as (no synthesis, counted as a request). */
export function textRoutes(deps: RouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.post('/text/normalize', ...deps.bodies.json, deps.signed, async (ctx) => {
    ctx.body = await deps.text.preview(principalOf(ctx.state), ctx.request.body);
  });
  return router;
}
