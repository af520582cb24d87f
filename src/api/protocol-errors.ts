import { type IncomingMessage, type RequestListener, type Server, STATUS_CODES } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { ApiError, errors } from '../errors.js';
import { newId } from '../lib/ids.js';

/**
 * Some requests never reach Koa: Node's HTTP parser refuses bytes that are not HTTP (and headers over
 * its size limit), CONNECT has no request handler at all, and an unknown `Expect` gets a bare 417. Left
 * to Node, those answers have no body, or the socket is just dropped; here they get the one error
 * shape with a request id like every other refusal.
 */
export function answerOutsideTheApp(
  server: Server | HttpsServer,
  handler: RequestListener,
  log: Logger,
): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // A client that went away, or a socket already part-way through a response, cannot be answered.
    const inResponse = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (err.code === 'ECONNRESET' || inResponse) {
      socket.destroy();
      return;
    }
    // Already answered: the rest of what the client sends is more of the same error. Closing now
    // would reset the connection under the answer, so let it drain for a moment first.
    if (!socket.writable) return lingerThenClose(socket);
    const apiError = parserError(err.code);
    const requestId = newId('req');
    log.info(
      { request_id: requestId, reason: err.code, status: apiError.status },
      'malformed request refused',
    );
    writeError(socket, apiError, requestId);
    lingerThenClose(socket);
  });
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    // The socket is handed over without Node's own listeners: a client reset would otherwise be an
    // unhandled 'error' event, and that ends the process.
    socket.on('error', () => socket.destroy());
    const requestId = newId('req');
    log.info({ request_id: requestId, method: req.method, status: 405 }, 'request');
    writeError(socket, errors.methodNotAllowed(['GET', 'POST', 'DELETE']), requestId);
  });
  // Any other expectation is ignored (RFC 9110 allows it) and the request is served as usual.
  server.on('checkExpectation', handler);
}

const LINGER_MS = 1000;
const lingering = new WeakSet<Duplex>();

function lingerThenClose(socket: Duplex): void {
  if (lingering.has(socket)) return;
  lingering.add(socket);
  socket.resume();
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

function parserError(code: string | undefined): ApiError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return errors.headersTooLarge();
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return errors.requestTimeout();
    default:
      return errors.invalidInput('The request is not valid HTTP/1.1.');
  }
}

function writeError(socket: Duplex, e: ApiError, requestId: string): void {
  const body = JSON.stringify({
    error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) },
    request_id: requestId,
  });
  const headers = [
    `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Request-Id: ${requestId}`,
    ...Object.entries(e.headers).map(([k, v]) => `${k}: ${v}`),
    'Connection: close',
  ];
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
}
