import type { Middleware } from 'koa';
import { ApiError, errors, isDatabaseUnavailable, isStorageFull } from '../../errors.js';
import type { AppState } from '../context.js';

/**
 * Turns every failure into the SPEC's one error shape. Client errors pass through with their own
 * message; body-parser errors are mapped to the catalogue; anything unknown becomes INTERNAL_ERROR
 * and only the log sees it (5xx only, so bad input does not flood the log).
 */
export function errorHandler(): Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next();
      throwIfUnanswered(ctx.status, ctx.body, ctx.response.get('Allow'));
    } catch (err) {
      const apiError = toApiError(err);
      if (apiError.status >= 500) ctx.state.log.error({ err }, 'request failed');
      ctx.status = apiError.status;
      for (const [k, v] of Object.entries(apiError.headers)) if (v) ctx.set(k, v);
      ctx.body = errorBody(apiError, ctx.state.requestId);
    }
  };
}

/** The one error shape, also for answers written outside this middleware (body-deadline.ts). */
export function errorBody(apiError: ApiError, requestId: string) {
  return {
    error: {
      code: apiError.code,
      message: apiError.message,
      ...(apiError.details ? { details: apiError.details } : {}),
    },
    request_id: requestId,
  };
}

/** No route answered: the router leaves 404, or 405/501 with an Allow header; give them the error shape. */
function throwIfUnanswered(status: number, body: unknown, allow: string): void {
  if (body !== undefined && body !== null) return;
  if (status === 404) throw errors.notFound('Route');
  if (status === 405 || status === 501) throw errors.methodNotAllowed(allow ? allow.split(/,\s*/) : []);
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (isStorageFull(err)) return errors.storageFull();
  if (isDatabaseUnavailable(err)) return errors.databaseUnavailable();
  const e = err as { status?: number; statusCode?: number; httpCode?: number; type?: string; code?: unknown };
  const status = e.status ?? e.statusCode ?? e.httpCode;
  // co-body (JSON) and formidable (multipart) errors.
  if (e.type === 'entity.parse.failed') return errors.invalidInput('The request body is not valid JSON.');
  if (status === 413 || e.type === 'entity.too.large') return errors.payloadTooLarge();
  if (status === 415) return errors.unsupportedMedia('Unsupported Content-Type for this route.');
  if (status === 400) return errors.invalidInput('The request body is malformed.');
  return errors.internal();
}
