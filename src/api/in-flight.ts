import type { Context, Middleware } from 'koa';
import { errors } from '../errors.js';
import type { AppState } from './context.js';

const RESTARTING = 'The server is restarting; try again in a moment.';

/**
 * The requests being served, so a graceful stop loses none of them: once stopping, new requests are
 * refused (503, Connection: close); those in flight get until the deadline to finish; one still
 * receiving its body then is answered 503 (the client may retry) instead of being cut off.
 */
export class InFlightRequests {
  private readonly live = new Set<Context>();
  private closing = false;

  middleware(): Middleware<AppState> {
    return async (ctx, next) => {
      if (this.closing) {
        ctx.set('Connection', 'close');
        throw errors.unavailable(RESTARTING, 5);
      }
      this.live.add(ctx);
      try {
        await next();
      } finally {
        this.live.delete(ctx);
      }
    };
  }

  /**
   * Waits for the requests in flight (up to `timeoutMs`), then answers those still uploading and
   * waits for the rest, whose bodies are complete and whose work is short. The refused ones end
   * when the connections are closed.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.closing = true;
    if (await this.until(() => this.live.size === 0, timeoutMs)) return;
    const refused = [...this.live].filter((ctx) => !ctx.req.complete && !ctx.res.headersSent);
    for (const ctx of refused) refuseMidBody(ctx);
    // Time to read the answer before the connection is closed under a client still sending.
    if (refused.length > 0) await new Promise((r) => setTimeout(r, 500));
    await this.until(() => [...this.live].every((ctx) => refused.includes(ctx)), Infinity);
  }

  private async until(done: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 25));
    }
    return true;
  }
}

/** Answers now, outside Koa (its handler is still reading the body and will go no further). */
function refuseMidBody(ctx: Context): void {
  const e = errors.unavailable(RESTARTING, 5);
  const body = JSON.stringify({
    error: { code: e.code, message: e.message },
    request_id: (ctx.state as AppState).requestId,
  });
  ctx.res.writeHead(e.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'X-Request-Id': (ctx.state as AppState).requestId,
    ...e.headers,
  });
  ctx.res.end(body);
}
