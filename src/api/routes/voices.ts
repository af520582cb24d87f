import Router from '@koa/router';
import type { AppState } from '../context.js';
import { parseInput } from '../../services/schemas/parse.js';
import { VoicesQuery } from '../../services/schemas/requests.js';
import { VoiceList } from '../../services/schemas/responses.js';
import { routeDoc } from '../openapi/route-doc.js';
import type { RouteDeps } from './deps.js';

export const voiceDocs = [
  routeDoc({
    method: 'get',
    path: '/v1/voices',
    summary: 'Voices a script line may name',
    tag: 'voices',
    auth: 'key',
    query: VoicesQuery,
    errors: ['INVALID_INPUT'],
    responses: { 200: { description: 'Built-in voices, then pack presets.', schema: VoiceList } },
  }),
];

/**
 * Voices a script line may name with `voice`: the built-in engine's default per language, then the
 * preset voices of the installed, verified model packs. `?lang=en` keeps one language.
 */
export function voiceRoutes(deps: RouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/voices', deps.signed, (ctx) => {
    const { lang } = parseInput(VoicesQuery, ctx.query);
    const items = deps.catalog.list().filter((v) => !lang || v.language === lang);
    ctx.body = { items };
  });
  return router;
}
