import Router from '@koa/router';
import type { Context } from 'koa';
import { errors } from '../../errors.js';
import type { LexiconInput } from '../../services/text/lexicons.js';
import { type AppState, principalOf } from '../context.js';
import { jsonOrPlsBody, PLS_TYPES } from '../middleware/body.js';
import type { RouteDeps } from './deps.js';
import { parsePaging } from './paging.js';
import { PagingQuery } from '../../services/schemas/requests.js';
import { Lexicon, LexiconBody, LexiconPage } from '../../services/schemas/text-speech.js';
import { routeDoc } from '../openapi/route-doc.js';

const PLS_NOTE =
  'Also accepts a W3C PLS 1.0 document (`Content-Type: application/pls+xml`, with `?name=` and `?default=`).';

export const lexiconDocs = [
  routeDoc({
    method: 'post',
    path: '/v1/lexicons',
    summary: 'Create a pronunciation lexicon',
    tag: 'lexicons',
    auth: 'key',
    description: PLS_NOTE,
    body: { type: 'application/json', schema: LexiconBody },
    errors: ['INVALID_INPUT', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA'],
    responses: { 201: { description: 'Created; Location names it.', schema: Lexicon } },
  }),
  routeDoc({
    method: 'get',
    path: '/v1/lexicons',
    summary: "The project's lexicons",
    tag: 'lexicons',
    auth: 'key',
    query: PagingQuery,
    errors: ['INVALID_INPUT'],
    responses: { 200: { description: 'One page.', schema: LexiconPage } },
  }),
  routeDoc({
    method: 'get',
    path: '/v1/lexicons/{id}',
    summary: 'One lexicon with its entries',
    tag: 'lexicons',
    auth: 'key',
    params: { id: 'lexicon id' },
    description: 'As PLS with `Accept: application/pls+xml`.',
    errors: ['NOT_FOUND'],
    responses: { 200: { description: 'The lexicon.', schema: Lexicon } },
  }),
  routeDoc({
    method: 'put',
    path: '/v1/lexicons/{id}',
    summary: 'Replace a lexicon',
    tag: 'lexicons',
    auth: 'key',
    params: { id: 'lexicon id' },
    description: PLS_NOTE,
    body: { type: 'application/json', schema: LexiconBody },
    errors: ['INVALID_INPUT', 'NOT_FOUND', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA'],
    responses: { 200: { description: 'The lexicon as stored.', schema: Lexicon } },
  }),
  routeDoc({
    method: 'delete',
    path: '/v1/lexicons/{id}',
    summary: 'Delete a lexicon',
    tag: 'lexicons',
    auth: 'key',
    params: { id: 'lexicon id' },
    errors: ['NOT_FOUND'],
    responses: { 204: { description: 'Deleted.' } },
  }),
];

const PLS_TYPE = 'application/pls+xml';

/** JSON, or a PLS document with `?name=` and `?default=true` (PLS has no place for either). */
function inputOf(ctx: Context): LexiconInput {
  if (!ctx.is(PLS_TYPES)) return { kind: 'json', body: ctx.request.body };
  const { name } = ctx.query;
  const dflt = ctx.query.default;
  if (dflt !== undefined && dflt !== 'true' && dflt !== 'false') {
    throw errors.invalidInput('default must be true or false.', { field: 'default' });
  }
  const xml: unknown = ctx.request.body;
  return {
    kind: 'pls',
    xml: typeof xml === 'string' ? xml : '',
    name: typeof name === 'string' ? name : undefined,
    isDefault: dflt === undefined ? undefined : dflt === 'true',
  };
}

/** `/v1/lexicons`: a project's pronunciation lexicons; JSON or W3C PLS 1.0 in and out. */
export function lexiconRoutes(deps: RouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  const body = jsonOrPlsBody(deps.config.limits.max_json_kb * 1024);

  router.post('/lexicons', ...body, deps.signed, async (ctx) => {
    const created = await deps.lexicons.create(principalOf(ctx.state), inputOf(ctx));
    ctx.status = 201;
    ctx.set('Location', `/v1/lexicons/${created.id}`);
    ctx.body = created;
  });
  router.get('/lexicons', deps.signed, async (ctx) => {
    const { page, pageSize } = parsePaging(ctx.query);
    ctx.body = await deps.lexicons.list(principalOf(ctx.state), page, pageSize);
  });
  router.get('/lexicons/:id', deps.signed, async (ctx) => {
    const who = principalOf(ctx.state);
    if (ctx.accepts('application/json', PLS_TYPE) === PLS_TYPE) {
      ctx.type = PLS_TYPE;
      ctx.body = await deps.lexicons.exportPls(who, ctx.params.id!);
      return;
    }
    ctx.body = await deps.lexicons.get(who, ctx.params.id!);
  });
  router.put('/lexicons/:id', ...body, deps.signed, async (ctx) => {
    ctx.body = await deps.lexicons.replace(principalOf(ctx.state), ctx.params.id!, inputOf(ctx));
  });
  router.delete('/lexicons/:id', deps.signed, async (ctx) => {
    await deps.lexicons.delete(principalOf(ctx.state), ctx.params.id!);
    ctx.status = 204;
  });
  return router;
}
