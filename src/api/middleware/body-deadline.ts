import type { Middleware } from 'koa';
import { errors } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import type { AppState } from '../context.js';
import { errorBody } from './errors.js';

export interface BodyRate {
  /** The slowest average a request body may arrive at. */
  minBytesPerSecond: number;
  /** Time every body gets on top of what its size needs at that rate. */
  graceMs: number;
}

type Ctx = Parameters<Middleware<AppState>>[0];

/** Body still read after an early answer, unless the request allows more (`lingerBytes`). */
const LINGER_BYTES = 1024 * 1024;
const LINGER_MS = 5000;

/**
 * Guards the time a request body may take. By `t` ms after the request began its client must have
 * sent `minBytesPerSecond · (t − graceMs) / 1000` bytes, so an upload gets the time its size needs at
 * the minimum rate plus the grace and nothing more, and a body trickled slower (slowloris) is answered
 * 408 and its connection closed; the parser then fails and its temp files are removed as for any
 * other failure.
 *
 * An answer given while the body is still arriving (a request refused early) closes the connection
 * after it: Node would otherwise read and discard the whole rest of the body to reuse the connection.
 */
export function bodyDeadline(rate: BodyRate, clock: Clock): Middleware<AppState> {
  return async (ctx, next) => {
    const stop = ctx.req.complete ? undefined : watchRate(ctx, rate, clock);
    try {
      await next();
    } finally {
      stop?.();
      if (!ctx.req.complete) closeAfterAnswer(ctx, ctx.state.lingerBytes ?? LINGER_BYTES);
    }
  };
}

/**
 * A lingering close: once the answer is out, the server half-closes (FIN) and reads and discards a
 * bounded part of the rest for a bounded time before closing. Closing at once while the client is
 * still writing would reset the connection, and a client whose write fails first never reads the
 * answer waiting for it.
 */
function closeAfterAnswer(ctx: Ctx, lingerBytes: number): void {
  // Node would close a `Connection: close` request's socket as soon as the answer is written, while
  // the client is still sending: that close is a reset that can destroy the answer. This one decides.
  ctx.res.shouldKeepAlive = true;
  ctx.res.once('finish', () => {
    const socket = ctx.req.socket;
    const startBytes = socket.bytesRead;
    const close = () => socket.destroy();
    const timer = setTimeout(close, LINGER_MS);
    socket.once('close', () => clearTimeout(timer));
    const onData = () => {
      if (socket.bytesRead - startBytes <= lingerBytes) return;
      // Past the bound: stop reading and let the timer close, time enough for the client to read the
      // answer (and stop sending) before the close turns into a reset.
      socket.off('data', onData);
      socket.pause();
    };
    socket.on('data', onData);
    socket.end();
  });
}

/** One timer per request, re-armed for the moment the bytes received so far stop paying for. */
function watchRate(ctx: Ctx, rate: BodyRate, clock: Clock): () => void {
  const socket = ctx.req.socket;
  const startBytes = socket.bytesRead;
  const started = clock.now();
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    if (ctx.req.complete) return;
    const received = socket.bytesRead - startBytes;
    const allowedMs = rate.graceMs + (received / rate.minBytesPerSecond) * 1000;
    const elapsed = clock.now() - started;
    if (elapsed < allowedMs) timer = setTimeout(check, allowedMs - elapsed + 5);
    else cut(ctx, rate, received, elapsed);
  };
  timer = setTimeout(check, rate.graceMs);
  return () => clearTimeout(timer);
}

function cut(ctx: Ctx, rate: BodyRate, received: number, elapsedMs: number): void {
  ctx.state.log.info(
    { received_bytes: received, elapsed_ms: elapsedMs },
    'request body arrived too slowly; connection closed',
  );
  const res = ctx.res;
  if (res.headersSent) {
    ctx.req.socket.destroy();
    return;
  }
  // Written here because the parser is still waiting for the body; Koa sends nothing more.
  ctx.respond = false;
  const error = errors.requestTimeout(
    `The request body arrived slower than ${rate.minBytesPerSecond} bytes per second.`,
  );
  const body = JSON.stringify(errorBody(error, ctx.state.requestId));
  res.writeHead(408, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'X-Request-Id': ctx.state.requestId,
    Connection: 'close',
  });
  // Once the answer is out, the request is ended too: Node closes the connection but no longer
  // tells a request it has answered, so the parser waiting for the body would wait forever.
  res.once('close', () => ctx.req.destroy());
  res.end(body);
}
