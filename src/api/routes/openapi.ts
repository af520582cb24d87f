import Router from '@koa/router';
import { z } from 'zod';
import type { AppState } from '../context.js';
import { REFERENCE_CSP, REFERENCE_CSS, renderReferencePage } from '../openapi/reference-page.js';
import { routeDoc } from '../openapi/route-doc.js';

export const openapiDocs = [
  routeDoc({
    method: 'get',
    path: '/v1/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    tag: 'operations',
    description: 'Public, like /healthz: the contract holds no secret.',
    auth: 'none',
    errors: [],
    responses: { 200: { description: 'The document.', schema: z.record(z.string(), z.unknown()) } },
  }),
  routeDoc({
    method: 'get',
    path: '/docs/api',
    summary: 'The API reference page (HTML, offline)',
    tag: 'operations',
    auth: 'none',
    errors: [],
    responses: { 200: { description: 'HTML.', type: 'text/html', schema: z.string() } },
  }),
  routeDoc({
    method: 'get',
    path: '/docs/api.css',
    summary: "The reference page's style sheet",
    tag: 'operations',
    auth: 'none',
    errors: [],
    responses: { 200: { description: 'CSS.', type: 'text/css', schema: z.string() } },
  }),
];

/** Public routes: the document and its reference page, both built once from the app's route docs. */
export function openapiRoutes(document: Record<string, unknown>): Router<AppState> {
  const router = new Router<AppState>();
  const body = JSON.stringify(document);
  const page = renderReferencePage(document);
  router.get('/v1/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = body;
  });
  router.get('/docs/api', (ctx) => {
    ctx.set('Content-Security-Policy', REFERENCE_CSP);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = page;
  });
  router.get('/docs/api.css', (ctx) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.type = 'text/css; charset=utf-8';
    ctx.body = REFERENCE_CSS;
  });
  return router;
}
