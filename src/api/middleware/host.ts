import type { Middleware } from 'koa';
import { errors } from '../../errors.js';
import type { AppState } from '../context.js';

/**
 * HTTP/1.1 requires a Host header (RFC 9112, 3.2). Node's own check answers 400 with no body, so the
 * server turns it off and refuses here instead, in the one error shape.
 */
export function requireHost(): Middleware<AppState> {
  return async (ctx, next) => {
    if (ctx.req.httpVersion === '1.1' && ctx.req.headers.host === undefined) {
      throw errors.invalidInput('The Host header is required.');
    }
    await next();
  };
}
