import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { newId } from '../../lib/ids.js';
import type { AppState } from '../context.js';

const CLIENT_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Request id on every response and log line; a sane incoming X-Request-Id is kept for tracing. */
export function requestContext(log: Logger): Middleware<AppState> {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = CLIENT_ID.test(incoming) ? incoming : newId('req');
    ctx.state.requestId = requestId;
    ctx.state.log = log.child({ request_id: requestId });
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
