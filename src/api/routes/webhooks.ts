import Router from '@koa/router';
import type { AppState } from '../context.js';
import { principalOf } from '../context.js';
import type { RouteDeps } from './deps.js';
import { WebhookSecret } from '../../services/schemas/text-speech.js';
import { routeDoc } from '../openapi/route-doc.js';

export const webhookDocs = [
  routeDoc({
    method: 'get',
    path: '/v1/webhooks/secret',
    summary: "The project's webhook signing secret",
    tag: 'webhooks',
    auth: 'key',
    errors: [],
    responses: { 200: { description: 'The secret.', schema: WebhookSecret } },
  }),
];

/** GET /v1/webhooks/secret: the caller's project secret, to verify the webhooks it receives. */
export function webhookRoutes(deps: RouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/webhooks/secret', deps.signed, (ctx) => {
    const { project } = principalOf(ctx.state);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { project, secret: deps.webhooks.secretFor(project), scheme: 'standard-webhooks-v1' };
  });
  return router;
}
