import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Middleware } from 'koa';
import { errors } from '../../errors.js';
import type { IdempotencyService } from '../../services/idempotency.js';
import type { AppState } from '../context.js';
import { principalOf } from '../context.js';
import type { UploadedFile } from './body.js';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on POST: runs after the body is parsed and the caller proven (it is part of
 * `signed`, which every route mounts last), so it covers every POST route. Only successful JSON
 * answers are kept: a refusal or a failure releases the key and a retry runs afresh.
 */
export function idempotency(service: IdempotencyService): Middleware<AppState> {
  return async (ctx, next) => {
    const idemKey = ctx.get('idempotency-key');
    if (ctx.method !== 'POST' || !idemKey) return next();
    if (!KEY_PATTERN.test(idemKey)) {
      throw errors.invalidInput('Idempotency-Key must be 1–255 visible ASCII characters.', {
        field: 'Idempotency-Key',
      });
    }
    const { keyId } = principalOf(ctx.state);
    const prior = await service.begin(keyId, idemKey, await requestSha(ctx));
    if (prior) {
      ctx.status = prior.status;
      if (prior.location) ctx.set('Location', prior.location);
      ctx.set('Idempotent-Replayed', 'true');
      ctx.body = prior.body;
      return;
    }
    let kept = false;
    try {
      await next();
      const body: unknown = ctx.body;
      if (ctx.status >= 200 && ctx.status < 300 && isJson(body)) {
        await service.complete(keyId, idemKey, {
          status: ctx.status,
          body,
          location: ctx.response.get('Location') || null,
        });
        kept = true;
      }
    } finally {
      if (!kept) await service.release(keyId, idemKey).catch(() => undefined);
    }
  };
}

function isJson(body: unknown): boolean {
  return body !== null && typeof body === 'object' && !Buffer.isBuffer(body) && !('pipe' in body);
}

/** The request as the key binds it: method, path with query, parsed body and each upload's bytes. */
async function requestSha(ctx: {
  method: string;
  url: string;
  request: { body?: unknown; files?: Record<string, UploadedFile | UploadedFile[]> };
}): Promise<string> {
  const files: Record<string, string[]> = {};
  for (const [field, value] of Object.entries(ctx.request.files ?? {})) {
    files[field] = await Promise.all(
      (Array.isArray(value) ? value : [value]).map((f) => fileSha(f.filepath)),
    );
  }
  const canonical = stableJson({ method: ctx.method, url: ctx.url, body: ctx.request.body ?? null, files });
  return createHash('sha256').update(canonical).digest('hex');
}

function fileSha(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/** JSON with object keys sorted: the same body sent with its keys in another order is the same request. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
