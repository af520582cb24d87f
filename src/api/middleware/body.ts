import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Middleware } from 'koa';
import { koaBody } from 'koa-body';
import { ApiError, errors, isStorageFull } from '../../errors.js';
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
        await whileClientStays(
          ctx.req,
          (parse as unknown as Middleware<AppState>)(ctx, async () => undefined),
        );
      } catch (err) {
        throw refused(
          ctx,
          mapParseError(err, limitBytes, textTypes.length > 0 && ctx.is(textTypes) ? 'XML document' : 'JSON'),
          limitBytes,
        );
      }
      if (answeredEarly(ctx)) return;
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
      // formidable drops a write error that comes after the last part was parsed (a full disk, say)
      // and hands over a truncated file as if it were whole; it is caught here instead.
      let writeError: unknown;
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
          onFileBegin: (_name, file) => {
            (file as unknown as NodeJS.EventEmitter).on('error', (err) => (writeError ??= err));
          },
        },
      });
      try {
        try {
          beginBodyDigest(ctx);
          await whileClientStays(
            ctx.req,
            (parse as unknown as Middleware<AppState>)(ctx, async () => undefined),
          );
        } catch (err) {
          throw writeError
            ? storedUploadError(writeError)
            : refused(ctx, mapParseError(err, limitBytes, 'multipart form'), limitBytes);
        }
        if (writeError || (await anyTruncated(ctx.request))) throw storedUploadError(writeError);
        if (answeredEarly(ctx)) return;
        await next();
      } finally {
        await rm(uploadDir, { recursive: true, force: true });
      }
    },
  ];
}

/**
 * A parser that starts listening after the client hung up never hears of it and waits forever,
 * keeping the request (and its upload folder) alive: settle as soon as the connection closes with
 * the body incomplete.
 */
async function whileClientStays(req: IncomingMessage, parsing: Promise<unknown>): Promise<void> {
  let onClose: (() => void) | undefined;
  const gone = new Promise<never>((_, reject) => {
    onClose = () => {
      if (!req.complete)
        reject(errors.invalidInput('The connection closed before the request body was complete.'));
    };
    if (req.destroyed) onClose();
    else req.once('close', onClose);
  });
  try {
    await Promise.race([parsing, gone]);
  } finally {
    if (onClose) req.off('close', onClose);
    // The parser may still fail after the hang-up; nobody is left to hear it.
    parsing.catch(() => undefined);
  }
}

/**
 * A body found too large while streaming (chunked, so no length was declared) is answered at once;
 * the rest is discarded as for a declared length, so the client reads the 413 instead of a reset.
 */
function refused(ctx: { state: AppState }, e: ApiError, limit: number): ApiError {
  // A proven caller may be sent more of its body while it reads the answer (body-deadline.ts).
  if (e.status === 413 && ctx.state.principal) ctx.state.lingerBytes = limit * 2 + 1024 * 1024;
  return e;
}

/**
 * A request already answered while its body was arriving (refused by a graceful stop) goes no
 * further: the client was told to retry, so nothing may be created for it.
 */
function answeredEarly(ctx: { res: ServerResponse }): boolean {
  return ctx.res.headersSent;
}

/**
 * An upload shorter on disk than what was received was cut off by a write that failed without
 * formidable saying so; on a local disk that is a full disk.
 */
async function anyTruncated(request: { files?: unknown }): Promise<boolean> {
  const files = Object.values((request.files ?? {}) as Record<string, UploadedFile | UploadedFile[]>).flat();
  for (const f of files) {
    // A file gone altogether is not a short write; reading it fails later as what it is.
    const onDisk = await stat(f.filepath).then(
      (s) => s.size,
      () => undefined,
    );
    if (onDisk !== undefined && onDisk < f.size) return true;
  }
  return false;
}

/** The upload could not be written down: a full disk says so; anything else is the server's own fault. */
function storedUploadError(err: unknown): unknown {
  return err === undefined || isStorageFull(err) ? errors.storageFull() : err;
}

function mapParseError(err: unknown, limit: number, what: string) {
  if (err instanceof ApiError) return err;
  if (isStorageFull(err)) return errors.storageFull();
  const e = err as { status?: number; httpCode?: number; type?: string; code?: number };
  if (e.status === 413 || e.httpCode === 413 || e.type === 'entity.too.large')
    return errors.payloadTooLarge(limit);
  return errors.invalidInput(`The request body is not a valid ${what}.`);
}
