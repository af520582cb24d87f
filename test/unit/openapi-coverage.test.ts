import Router from '@koa/router';
import { describe, expect, it } from 'vitest';
import { documentDrift } from '../../src/api/openapi/coverage.js';
import { routeDoc } from '../../src/api/openapi/route-doc.js';

describe('documentDrift', () => {
  it('names routes served without an entry and entries without a route, ignoring HEAD', () => {
    const api = new Router({ prefix: '/v1' });
    const inner = new Router();
    inner.get('/jobs/:id', () => undefined);
    inner.delete('/jobs/:id', () => undefined);
    api.use(inner.routes());
    const doc = routeDoc({
      method: 'get',
      path: '/v1/jobs/{id}',
      summary: 's',
      tag: 'jobs',
      auth: 'key',
      errors: [],
      responses: { 200: { description: 'ok' } },
    });
    const stale = { ...doc, path: '/v1/gone' };
    expect(documentDrift([api], [doc, stale])).toEqual({
      undocumented: ['DELETE /v1/jobs/{id}'],
      unserved: ['GET /v1/gone'],
    });
  });
});
