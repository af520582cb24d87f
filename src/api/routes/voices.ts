import Router from '@koa/router';
import { LANGUAGES } from '../../engine/types.js';
import type { AppState } from '../context.js';
import type { RouteDeps } from './deps.js';

/** Preset voices. Until model packs are installed only the built-in engine's default voices exist. */
export function voiceRoutes(deps: RouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/voices', deps.signed, (ctx) => {
    ctx.body = {
      items: LANGUAGES.map((lang) => ({
        id: `builtin-${lang}`,
        engine: 'builtin',
        lang,
        name: `Built-in ${lang}`,
      })),
    };
  });
  return router;
}
