import Router from '@koa/router';
import type { AppState } from '../context.js';
import type { RouteDeps } from './deps.js';

/**
 * Voices a script line may name with `voice`: the built-in engine's default per language, then the
 * preset voices of the installed, verified model packs. `?lang=en` keeps one language.
 */
export function voiceRoutes(deps: RouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/voices', deps.signed, (ctx) => {
    const lang = typeof ctx.query.lang === 'string' ? ctx.query.lang : undefined;
    const items = deps.catalog.list().filter((v) => !lang || v.language === lang);
    ctx.body = { items };
  });
  return router;
}
