import { connect, type Socket } from 'node:net';

/**
 * A deliberately dumb HTTP/1.1 client over a raw socket: fetch and node:http refuse to send most of
 * what the fuzzer needs (lying Content-Length, bytes that are not a header, bodies cut short), so
 * requests are written byte for byte and the answer is read until the server closes the connection.
 */
export interface RawRequest {
  /** Everything up to and including the blank line after the headers. */
  head: Buffer;
  body: Buffer;
  /** Write only this many body bytes, then stop writing (the rest never comes). */
  sendBodyBytes?: number;
  /** After the bytes are written: keep waiting for an answer ('wait'), or hang up at once ('hangup'). */
  after?: 'wait' | 'hangup';
  /** Give up waiting for the answer after this long (the server may wait for a body that never comes). */
  timeoutMs?: number;
  /** Send the body at about this rate (64 KiB pieces), as a slow client would; default all at once. */
  bytesPerSecond?: number;
  /** Do not read anything for this long after connecting, as a busy client would not. */
  readDelayMs?: number;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export type RawOutcome =
  | { kind: 'response'; response: RawResponse; ms: number }
  | { kind: 'timeout'; ms: number }
  | { kind: 'closed'; error?: string; ms: number };

export function send(port: number, req: RawRequest): Promise<RawOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (outcome: RawOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const socket = connect({ host: '127.0.0.1', port }, () => {
      if (req.readDelayMs) {
        socket.pause();
        setTimeout(() => socket.resume(), req.readDelayMs);
      }
      const body = req.sendBodyBytes === undefined ? req.body : req.body.subarray(0, req.sendBodyBytes);
      // Like a well-behaved client (RFC 9112, 9.5), stop sending the body once a final answer (not a
      // 100 Continue) has begun.
      const stopSending = () =>
        settled || /HTTP\/1\.[01] [2-5]\d\d/.test(Buffer.concat(chunks).toString('latin1'));
      void writePaced(socket, [req.head, body], req.bytesPerSecond, stopSending).then(() => {
        if (req.after === 'hangup') finish({ kind: 'closed', error: 'client hung up', ms: elapsed() });
      });
    });
    const timer = setTimeout(() => {
      const response = parseResponse(Buffer.concat(chunks));
      finish(response ? { kind: 'response', response, ms: elapsed() } : { kind: 'timeout', ms: elapsed() });
    }, req.timeoutMs ?? 10_000);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      // Connection: close is always sent, but a complete answer need not wait for the FIN.
      const response = parseResponse(Buffer.concat(chunks), true);
      if (response) finish({ kind: 'response', response, ms: elapsed() });
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const response = parseResponse(Buffer.concat(chunks));
      finish(
        response
          ? { kind: 'response', response, ms: elapsed() }
          : { kind: 'closed', error: err.code ?? err.message, ms: elapsed() },
      );
    });
    socket.on('end', () => {
      const response = parseResponse(Buffer.concat(chunks));
      finish(response ? { kind: 'response', response, ms: elapsed() } : { kind: 'closed', ms: elapsed() });
    });
  });
}

async function writePaced(
  socket: Socket,
  parts: Buffer[],
  bytesPerSecond: number | undefined,
  done: () => boolean,
): Promise<void> {
  const all = Buffer.concat(parts);
  const piece = bytesPerSecond === undefined ? 256 * 1024 : 64 * 1024;
  for (let at = 0; at < all.length && !done(); at += piece) {
    await new Promise<void>((r) => socket.write(all.subarray(at, at + piece), () => r()));
    if (bytesPerSecond !== undefined)
      await new Promise((r) => setTimeout(r, (piece / bytesPerSecond) * 1000));
  }
}

/**
 * The first response in `buf` (a 100 Continue is skipped). With `complete`, only an answer whose body
 * is known to be whole (Content-Length reached, or the last chunk seen) counts.
 */
export function parseResponse(buf: Buffer, complete = false): RawResponse | undefined {
  let rest = buf;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const lines = rest.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1]);
    if (!status) return undefined;
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const after = rest.subarray(end + 4);
    if (status === 100) {
      rest = after;
      continue;
    }
    const body = readBody(after, headers, complete);
    return body === undefined ? undefined : { status, headers, body };
  }
}

function readBody(after: Buffer, headers: Record<string, string>, complete: boolean): Buffer | undefined {
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') return dechunk(after, complete);
  const length = headers['content-length'];
  if (length !== undefined) {
    const n = Number(length);
    if (after.length < n) return complete ? undefined : after;
    return after.subarray(0, n);
  }
  return complete ? undefined : after;
}

function dechunk(buf: Buffer, complete: boolean): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', at);
    if (eol < 0) return complete ? undefined : Buffer.concat(parts);
    const size = parseInt(buf.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size)) return complete ? undefined : Buffer.concat(parts);
    if (size === 0) return Buffer.concat(parts);
    if (eol + 2 + size > buf.length) return complete ? undefined : Buffer.concat(parts);
    parts.push(buf.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

/** Builds a request head; header values are written as given (latin1), however odd. */
export function head(method: string, target: string, headers: Array<[string, string]>): Buffer {
  const lines = [`${method} ${target} HTTP/1.1`, ...headers.map(([k, v]) => `${k}: ${v}`), '', ''];
  return Buffer.from(lines.join('\r\n'), 'latin1');
}
