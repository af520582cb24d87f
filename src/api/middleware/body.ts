import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Middleware } from 'koa';
import { koaBody } from 'koa-body';
import { errors } from '../../errors.js';
import type { AppState } from '../context.js';
import { beginBodyDigest, UNPROVEN_BODY_MAX_BYTES } from './auth.js';

/**
 * Refuses by Content-Length before a byte of the body is read. A client that asked
 * `Expect: 100-continue` (curl does for large uploads) never sends the body at all. A proven caller
 * that sends anyway may send up to about twice the limit more while it reads the 413, because
 * closing the socket under a client that is still writing can turn the answer into a connection
 * reset (body-deadline.ts closes the connection after the answer).
 */
function declaredLengthWithin(limit: number): Middleware<AppState> {
  return async (ctx, next) => {
    const declared = Number(ctx.get('content-length') || 0);
    if (declared > limit) {
      if (ctx.state.principal) ctx.state.lingerBytes = limit * 2 + 1024 * 1024;
      throw errors.payloadTooLarge(limit);
    }
    if (ctx.get('expect').toLowerCase() === '100-continue') ctx.res.writeContinue();
    await next();
  };
}

/**
 * A signed upload whose signature can only be checked after its body (no X-VR-Content-SHA256) may
 * be only small: its sender is not proven yet. Refused before the 100 Continue, so it is never sent.
 */
function smallUnlessProven(): Middleware<AppState> {
  return async (ctx, next) => {
    const length = ctx.get('content-length');
    if (!ctx.state.principal && (!length || Number(length) > UNPROVEN_BODY_MAX_BYTES)) {
      throw errors.unauthorized(
        `A signed upload over ${UNPROVEN_BODY_MAX_BYTES} bytes (or without Content-Length) must send ` +
          'X-VR-Content-SHA256: <hex SHA-256 of the body>, so its signature is checked before the body is read.',
      );
    }
    await next();
  };
}

function requireType(types: string[], what: string): Middleware<AppState> {
  return async (ctx, next) => {
    if (!ctx.is(types)) throw errors.unsupportedMedia(`Content-Type must be ${what}.`);
    await next();
  };
}

export function jsonBody(limitBytes: number): Middleware<AppState>[] {
  return parsedBody(limitBytes, ['application/json', 'application/*+json'], 'application/json', []);
}

/** W3C PLS documents (lexicon import) as text, or JSON; the same size limit for both. */
export const PLS_TYPES = ['application/pls+xml', 'application/xml', 'text/xml'];
export function jsonOrPlsBody(limitBytes: number): Middleware<AppState>[] {
  const json = ['application/json', 'application/*+json'];
  return parsedBody(
    limitBytes,
    [...json, ...PLS_TYPES],
    'application/json or application/pls+xml',
    PLS_TYPES,
  );
}

function parsedBody(
  limitBytes: number,
  types: string[],
  what: string,
  textTypes: string[],
): Middleware<AppState>[] {
  const parse = koaBody({
    json: true,
    jsonStrict: true,
    multipart: false,
    urlencoded: false,
    text: textTypes.length > 0,
    textTypes,
    jsonLimit: limitBytes,
    textLimit: limitBytes,
  });
  return [
    declaredLengthWithin(limitBytes),
    requireType(types, what),
    async (ctx, next) => {
      try {
        beginBodyDigest(ctx);
        await (parse as unknown as Middleware<AppState>)(ctx, async () => undefined);
      } catch (err) {
        throw mapParseError(
          err,
          limitBytes,
          textTypes.length > 0 && ctx.is(textTypes) ? 'XML document' : 'JSON',
        );
      }
      await next();
    },
  ];
}

export interface UploadedFile {
  filepath: string;
  originalFilename: string | null;
  mimetype: string | null;
  size: number;
}

/**
 * Multipart with temp files in a directory of this request's own under `tmpDir`, removed when the
 * request ends however it ends (formidable leaves partial files behind when it aborts on a limit).
 */
export function multipartBody(limitBytes: number, tmpDir: string): Middleware<AppState>[] {
  return [
    smallUnlessProven(),
    declaredLengthWithin(limitBytes + 1024 * 1024),
    requireType(['multipart/form-data'], 'multipart/form-data'),
    async (ctx, next) => {
      // A fresh directory of the server's own making: nothing a client sends names a path.
      await mkdir(tmpDir, { recursive: true });
      const uploadDir = await mkdtemp(join(tmpDir, 'upload-'));
      const parse = koaBody({
        multipart: true,
        json: false,
        urlencoded: false,
        text: false,
        formidable: {
          uploadDir,
          maxFileSize: limitBytes,
          maxTotalFileSize: limitBytes,
          maxFiles: 1,
          maxFields: 20,
          maxFieldsSize: 1024 * 1024,
        },
      });
      try {
        try {
          beginBodyDigest(ctx);
          await (parse as unknown as Middleware<AppState>)(ctx, async () => undefined);
        } catch (err) {
          throw mapParseError(err, limitBytes, 'multipart form');
        }
        await next();
      } finally {
        await rm(uploadDir, { recursive: true, force: true });
      }
    },
  ];
}

function mapParseError(err: unknown, limit: number, what: string) {
  const e = err as { status?: number; httpCode?: number; type?: string; code?: number };
  if (e.status === 413 || e.httpCode === 413 || e.type === 'entity.too.large')
    return errors.payloadTooLarge(limit);
  return errors.invalidInput(`The request body is not a valid ${what}.`);
}
