import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { AppState } from './context.js';

/**
 * Nothing but this origin: no inline script or style, no framing, no plugins, forms post only here.
 * `blob:` lets the page play a recording it just made and preview audio; `data:` is for tiny icons.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Security headers on every console answer (the page, its assets and the session routes). */
export function consoleHeaders(): Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      ctx.set('Content-Security-Policy', CONSOLE_CSP);
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.set('Referrer-Policy', 'no-referrer');
      ctx.set('X-Frame-Options', 'DENY');
      ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
      ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
      ctx.set('Permissions-Policy', 'microphone=(self), camera=(), geolocation=()');
    }
  };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

interface Asset {
  type: string;
  body: Buffer;
  gzip: Buffer;
  etag: string;
}

/** The built console (scripts/build.mjs writes it): small, so it is read once and kept in memory. */
function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(dir)) return assets;
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const body = readFileSync(join(dir, name));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    assets.set(name, { type, body, gzip: gzipSync(body, { level: 9 }), etag });
  }
  return assets;
}

/** `/` is the page; `/console/<file>` its script, styles and icons. Routing inside the page is by hash. */
export function consoleRoutes(dir: string): Router<AppState> {
  const assets = loadAssets(dir);
  const router = new Router<AppState>();
  const serve = (name: string): Middleware<AppState> => {
    return (ctx, next) => {
      const asset = assets.get(name);
      if (!asset) return next();
      ctx.set('ETag', asset.etag);
      // Revalidated each time (a cheap 304): an upgrade is seen at once, no fingerprinted names needed.
      ctx.set('Cache-Control', 'no-cache');
      ctx.set('Vary', 'Accept-Encoding');
      ctx.type = asset.type;
      if (ctx.get('if-none-match') === asset.etag) {
        ctx.status = 304;
        return;
      }
      if (ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
        ctx.set('Content-Encoding', 'gzip');
        ctx.body = asset.gzip;
      } else ctx.body = asset.body;
    };
  };
  router.use(consoleHeaders());
  router.get('/', serve('index.html'));
  router.get('/console/:file', (ctx, next) => serve(ctx.params.file ?? '')(ctx, next));
  return router;
}
