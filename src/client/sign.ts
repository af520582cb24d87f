import { createHash, createHmac } from 'node:crypto';

/** SHA-256 of zero bytes: the declared hash of a request without a body. */
export const EMPTY_SHA256 = createHash('sha256').digest('hex');

export async function sha256Hex(body: string | Uint8Array | Blob | undefined): Promise<string> {
  if (body === undefined) return EMPTY_SHA256;
  const hash = createHash('sha256');
  if (typeof body === 'string' || body instanceof Uint8Array) return hash.update(body).digest('hex');
  // A Blob may be a file on disk: hash it as it streams, never whole in memory.
  const reader = body.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hash.update(value);
  }
  return hash.digest('hex');
}

/**
 * `X-VR-Signature: k=<key id>,t=<unix seconds>,v1=<hex>` with
 * v1 = HMAC-SHA256(key, t + "." + METHOD + "." + path-with-query + "." + sha256(body)), as docs/api.md
 * defines it.
 */
export function signatureHeader(
  key: string,
  keyId: string,
  t: number,
  method: string,
  pathWithQuery: string,
  bodySha: string,
): string {
  const v1 = createHmac('sha256', key)
    .update(`${t}.${method.toUpperCase()}.${pathWithQuery}.${bodySha}`)
    .digest('hex');
  return `k=${keyId},t=${t},v1=${v1}`;
}

/**
 * The server refuses a signature it has already seen (replay), and two identical requests in the same
 * second sign identically (a poll, a retry): this waits into the next second when that would happen.
 */
export class SignatureClock {
  private readonly last = new Map<string, number>();

  constructor(private readonly nowMs: () => number = Date.now) {}

  async timestampFor(request: string): Promise<number> {
    let t = Math.floor(this.nowMs() / 1000);
    if (this.last.get(request) === t) {
      await new Promise((r) => setTimeout(r, (t + 1) * 1000 - this.nowMs() + 5));
      t = Math.floor(this.nowMs() / 1000);
    }
    if (this.last.size > 1000) this.last.clear();
    this.last.set(request, t);
    return t;
  }
}
