import Router from '@koa/router';
import type { AppState } from '../context.js';
import { routeDoc } from '../openapi/route-doc.js';
import type { RouteDeps } from './deps.js';
import { z } from 'zod';

export const fileDocs = [
  routeDoc({
    method: 'get',
    path: '/v1/files/{id}',
    summary: 'Download a file (presigned link)',
    tag: 'files',
    description: "The links in a job's result; no key. HTTP Range (one range) is supported.",
    auth: 'presigned',
    params: { id: 'file id' },
    query: z.object({
      exp: z.string().meta({ description: 'expiry, unix seconds' }),
      sig: z.string().meta({ description: 'signature' }),
    }),
    errors: [],
    responses: {
      200: {
        description: 'The bytes.',
        type: 'application/octet-stream',
        schema: z.string().meta({ format: 'binary' }),
      },
      206: {
        description: 'A byte range.',
        type: 'application/octet-stream',
        schema: z.string().meta({ format: 'binary' }),
      },
      302: {
        description:
          'With `[storage.s3] downloads = "presigned"`: a redirect to the bucket\'s own presigned URL (15 minutes), which serves the bytes and ranges.',
      },
      416: { description: 'The range is not satisfiable.' },
    },
  }),
];

/** Presigned downloads (services/downloads.ts); single byte ranges are served, what audio elements ask for. */
export function fileRoutes(deps: RouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/files/:id', async (ctx) => {
    const download = await deps.downloads.open(ctx.params.id ?? '', ctx.query.exp, ctx.query.sig);
    ctx.set('Cache-Control', 'private, max-age=0, no-store');
    if (download.kind === 'redirect') {
      // The bucket serves the bytes (and the Range a client sends again to it) itself.
      ctx.redirect(download.url);
      return;
    }
    const { size, contentType, name } = download;
    const range = parseRange(ctx.get('range'), size);
    // Opened before any header is set, so a file deleted a moment ago answers a plain 404; a HEAD
    // opens nothing (an unread bucket response would hold its connection).
    const body = range === 'unsatisfiable' || ctx.method === 'HEAD' ? undefined : await download.read(range);
    ctx.set('Accept-Ranges', 'bytes');
    ctx.type = contentType;
    ctx.attachment(name, { type: 'inline' });
    if (range === 'unsatisfiable') {
      ctx.status = 416;
      ctx.set('Content-Range', `bytes */${size}`);
      ctx.body = '';
      return;
    }
    ctx.status = range ? 206 : 200;
    if (range) ctx.set('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    ctx.length = range ? range.end - range.start + 1 : size;
    if (body) ctx.body = body;
  });
  return router;
}

/** RFC 9110 single range; multiple ranges are answered with the whole file (allowed by the RFC). */
export function parseRange(
  header: string,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (start > end && m[2] !== '') return undefined;
  }
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}
