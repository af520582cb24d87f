import { createHash, createHmac } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * HTTP/1.1 spoken by hand over a raw socket, for what fetch cannot do: send headers or a body slowly,
 * keep sending after the server has answered, and see exactly when the server answers or hangs up.
 */
export class RawConnection {
  /** Everything the server sent, as latin1 text. */
  received = '';
  /** Body bytes handed to the socket by `pump`. */
  written = 0;
  /** `written` when the first byte of the server's answer arrived. */
  writtenAtAnswer: number | undefined;
  isClosed = false;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.writtenAtAnswer ??= this.written;
      this.received += d.toString('latin1');
    });
    // A server that hangs up while we write makes writes fail; that is what some tests look for.
    socket.on('error', () => undefined);
    this.closed = new Promise((r) =>
      socket.once('close', () => {
        this.isClosed = true;
        r();
      }),
    );
  }

  static open(url: string, localAddress?: string): Promise<RawConnection> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port), localAddress }, () =>
        resolve(new RawConnection(socket)),
      );
      socket.once('error', reject);
    });
  }

  write(data: string | Buffer): void {
    if (!this.isClosed) this.socket.write(data);
  }

  /** Writes `total` zero bytes with backpressure until done, the server hangs up, or `ms` pass. */
  async pump(total: number, ms: number, chunkBytes = 64 * 1024): Promise<void> {
    const chunk = Buffer.alloc(chunkBytes);
    const until = Date.now() + ms;
    while (this.written < total && !this.isClosed && Date.now() < until) {
      this.written += chunkBytes;
      if (!this.socket.write(chunk)) {
        await Promise.race([
          new Promise((r) => this.socket.once('drain', r)),
          this.closed,
          new Promise((r) => setTimeout(r, Math.max(0, until - Date.now()))),
        ]);
      }
    }
  }

  /** Sends `data` `chunkBytes` at a time, one chunk every `everyMs`, until done, hung up or `ms` pass. */
  async trickle(data: string | Buffer, chunkBytes: number, everyMs: number, ms: number): Promise<number> {
    const bytes = Buffer.from(data);
    const until = Date.now() + ms;
    let sent = 0;
    while (sent < bytes.length && !this.isClosed && Date.now() < until) {
      this.socket.write(bytes.subarray(sent, sent + chunkBytes));
      sent += chunkBytes;
      await new Promise((r) => setTimeout(r, everyMs));
    }
    return Math.min(sent, bytes.length);
  }

  /** Resolves true once the server has hung up, false after `ms`. */
  async waitClosed(ms: number): Promise<boolean> {
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, ms))]);
    return this.isClosed;
  }

  /** Status of the final (non-1xx) answer received so far. */
  status(): number | undefined {
    const codes = [...this.received.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    return codes.find((c) => c >= 200);
  }

  /** The JSON body of the (one) final answer. */
  json<T = { error: { code: string; message: string }; request_id: string }>(): T {
    const at = this.received.lastIndexOf('\r\n\r\n');
    return JSON.parse(Buffer.from(this.received.slice(at + 4), 'latin1').toString('utf8')) as T;
  }

  end(): void {
    this.socket.destroy();
  }
}

export function requestHead(method: string, path: string, headers: Record<string, string | number>): string {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  return `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/** `X-VR-Signature` over `t.METHOD.path.sha256(body)`, as clients compute it. */
export function signatureHeader(
  key: { id: string; key: string },
  method: string,
  pathWithQuery: string,
  bodySha: string,
  t = Math.floor(Date.now() / 1000),
): string {
  const v1 = createHmac('sha256', key.key).update(`${t}.${method}.${pathWithQuery}.${bodySha}`).digest('hex');
  return `k=${key.id},t=${t},v1=${v1}`;
}

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** A form serialized once, so the bytes signed are exactly the bytes sent. */
export async function serializeForm(form: FormData): Promise<{ body: Buffer; contentType: string }> {
  const req = new Request('http://x/', { method: 'POST', body: form });
  return { body: Buffer.from(await req.arrayBuffer()), contentType: req.headers.get('content-type') ?? '' };
}
