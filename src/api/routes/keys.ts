import Router from '@koa/router';
import { errors } from '../../errors.js';
import { isWellFormedId } from '../../lib/ids.js';
import { PROJECT_PATTERN } from '../../services/keys.js';
import { requiredText } from '../../services/speakers.js';
import type { AppState } from '../context.js';
import { requireAdmin } from '../middleware/auth.js';
import type { RouteDeps } from './deps.js';

export function keyRoutes(deps: RouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  const admin = requireAdmin();

  router.post('/keys', admin, ...deps.bodies.json, deps.signed, (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const name = requiredText(body.name, 'name', 100);
    const project = requiredText(body.project, 'project', 64);
    if (!PROJECT_PATTERN.test(project)) {
      throw errors.invalidInput('project must be lowercase letters, digits, "-" or "_" (at most 64).', {
        field: 'project',
      });
    }
    if (body.admin !== undefined && typeof body.admin !== 'boolean') {
      throw errors.invalidInput('admin must be a boolean.', { field: 'admin' });
    }
    const created = deps.keys.create({ name, project, admin: body.admin === true });
    ctx.status = 201;
    ctx.body = { ...deps.keys.get(created.id), key: created.key };
  });

  router.get('/keys', admin, deps.signed, (ctx) => {
    ctx.body = { items: deps.keys.list() };
  });

  router.delete('/keys/:id', admin, deps.signed, (ctx) => {
    const id = ctx.params.id;
    if (!id || !isWellFormedId(id, 'key') || !deps.keys.get(id)) throw errors.notFound('Key');
    deps.keys.revoke(id);
    ctx.status = 204;
  });

  return router;
}
