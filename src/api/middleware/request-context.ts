import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { newId } from '../../lib/ids.js';
import type { AppState } from '../context.js';

const CLIENT_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * A server-made request id on every response, error body and log line. A sane incoming X-Request-Id
 * is kept for tracing, but only as the log field `client_request_id`: clients choose it, so it is
 * neither unique nor trusted, and it names nothing on disk.
 */
export function requestContext(log: Logger): Middleware<AppState> {
  return async (ctx, next) => {
    const requestId = newId('req');
    const incoming = ctx.get('x-request-id');
    ctx.state.requestId = requestId;
    ctx.state.log = log.child({
      request_id: requestId,
      ...(CLIENT_ID.test(incoming) ? { client_request_id: incoming } : {}),
    });
    ctx.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      ctx.state.log.info(
        { method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10 },
        'request',
      );
    }
  };
}
