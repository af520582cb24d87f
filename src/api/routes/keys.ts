import Router from '@koa/router';
import { errors } from '../../errors.js';
import { isWellFormedId } from '../../lib/ids.js';
import type { AppState } from '../context.js';
import { requireAdmin } from '../middleware/auth.js';
import { parseInput } from '../../services/schemas/parse.js';
import { CreateKeyBody } from '../../services/schemas/requests.js';
import { KeyCreated, KeyList } from '../../services/schemas/responses.js';
import { routeDoc } from '../openapi/route-doc.js';
import type { RouteDeps } from './deps.js';

export const keyDocs = [
  routeDoc({
    method: 'post',
    path: '/v1/keys',
    summary: 'Create a key',
    tag: 'keys',
    auth: 'admin',
    body: { type: 'application/json', schema: CreateKeyBody },
    errors: ['INVALID_INPUT', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA'],
    responses: { 201: { description: 'The key; its secret is shown only here.', schema: KeyCreated } },
  }),
  routeDoc({
    method: 'get',
    path: '/v1/keys',
    summary: 'Keys, without secrets',
    tag: 'keys',
    auth: 'admin',
    errors: [],
    responses: { 200: { description: 'Every key.', schema: KeyList } },
  }),
  routeDoc({
    method: 'delete',
    path: '/v1/keys/{id}',
    summary: 'Revoke a key',
    tag: 'keys',
    auth: 'admin',
    params: { id: 'key id' },
    errors: ['NOT_FOUND'],
    responses: { 204: { description: 'Revoked; it stops working at once.' } },
  }),
];

export function keyRoutes(deps: RouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  const admin = requireAdmin();

  router.post('/keys', admin, ...deps.bodies.json, deps.signed, async (ctx) => {
    const body = parseInput(CreateKeyBody, ctx.request.body ?? {});
    const created = await deps.keys.create({
      name: body.name,
      project: body.project,
      admin: body.admin === true,
    });
    ctx.status = 201;
    ctx.body = { ...(await deps.keys.get(created.id)), key: created.key };
  });

  router.get('/keys', admin, deps.signed, async (ctx) => {
    ctx.body = { items: await deps.keys.list() };
  });

  router.delete('/keys/:id', admin, deps.signed, async (ctx) => {
    const id = ctx.params.id;
    if (!id || !isWellFormedId(id, 'key') || !(await deps.keys.get(id))) throw errors.notFound('Key');
    await deps.keys.revoke(id);
    ctx.status = 204;
  });

  return router;
}
