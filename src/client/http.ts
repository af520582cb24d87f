import { randomUUID } from 'node:crypto';
import { VoiceReelError, errorFromResponse } from './errors.js';
import { SignatureClock, sha256Hex, signatureHeader } from './sign.js';

export interface ClientOptions {
  /** Base URL of the server (default http://127.0.0.1:8080). */
  url?: string;
  /** The API key. Sent as X-VR-APIKEY, or used to sign requests when keyId is set. */
  apiKey?: string;
  /** With a key id, requests are signed (X-VR-Signature) and the key itself never leaves the client. */
  keyId?: string;
  /** Retries of network errors and of 429/503 answers that carry Retry-After (default 3). */
  maxRetries?: number;
  /** A Retry-After longer than this is not waited for: the error is thrown (default 60 000 ms). */
  maxRetryWaitMs?: number;
  /** Time until response headers arrive (default 60 000 ms); bodies then stream without a limit. */
  timeoutMs?: number;
  /** The fetch to use (default the global one). */
  fetch?: typeof fetch;
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';
  /** Path under the server root with its query, e.g. `/v1/jobs?status=queued`. */
  path: string;
  json?: unknown;
  body?: Blob;
  contentType?: string;
  headers?: Record<string, string>;
  /**
   * POSTs get a random Idempotency-Key (kept across this call's retries) unless one is given here;
   * an empty string sends none (to test or proxy a request exactly as another client made it).
   */
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** Send no credentials (presigned downloads). */
  anonymous?: boolean;
  /** Return any answer as it is, error statuses included, without retrying 429/503 (tests, proxies). */
  raw?: boolean;
}

const RETRY_STATUSES = new Set([429, 503]);

/** The query string of defined values, `?a=1&b=2`, or '' when there are none. */
export function query(params: Record<string, string | number | Date | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined) q.set(k, v instanceof Date ? v.toISOString() : String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });

/** Auth, retries, idempotency keys and the error shape, around fetch. */
export class Transport {
  readonly baseUrl: string;
  private readonly clock = new SignatureClock();
  private readonly fetchImpl: typeof fetch;

  constructor(readonly options: ClientOptions = {}) {
    this.baseUrl = (options.url ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  /** A successful response (2xx), its body unread; anything else is thrown as VoiceReelError. */
  async request(spec: RequestSpec): Promise<Response> {
    const maxRetries = this.options.maxRetries ?? 3;
    const idempotencyKey = spec.method === 'POST' ? (spec.idempotencyKey ?? randomUUID()) : undefined;
    const body = spec.json !== undefined ? JSON.stringify(spec.json) : spec.body;
    const bodySha = this.options.keyId && !spec.anonymous ? await sha256Hex(body) : undefined;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        const headers = await this.headers(spec, idempotencyKey, bodySha);
        res = await this.send(spec, headers, body);
      } catch (err) {
        if (spec.signal?.aborted || attempt >= maxRetries) throw wrap(err);
        // The same Idempotency-Key goes again: the server answers a repeat with the first answer.
        await sleep(Math.min(8000, 500 * 2 ** attempt), spec.signal);
        continue;
      }
      if (res.ok || spec.raw) return res;
      const wait = retryAfterMs(res.headers.get('retry-after'));
      const retryable = RETRY_STATUSES.has(res.status) && wait !== undefined && attempt < maxRetries;
      if (!retryable || wait > (this.options.maxRetryWaitMs ?? 60_000)) throw await errorFromResponse(res);
      await res.body?.cancel();
      await sleep(wait, spec.signal);
    }
  }

  async json<T>(spec: RequestSpec): Promise<T> {
    const res = await this.request({ ...spec, headers: { Accept: 'application/json', ...spec.headers } });
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    try {
      return (text ? JSON.parse(text) : undefined) as T;
    } catch (err) {
      const id = res.headers.get('x-request-id') ?? undefined;
      throw new VoiceReelError(res.status, 'INVALID_RESPONSE', 'The answer is not JSON', undefined, id, {
        cause: err,
      });
    }
  }

  private async headers(spec: RequestSpec, idempotencyKey?: string, bodySha?: string) {
    const headers: Record<string, string> = { ...spec.headers };
    if (spec.json !== undefined) headers['Content-Type'] = 'application/json';
    else if (spec.contentType) headers['Content-Type'] = spec.contentType;
    if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
    const key = this.options.apiKey;
    if (spec.anonymous || !key) return headers;
    if (this.options.keyId && bodySha) {
      const t = await this.clock.timestampFor(`${spec.method} ${spec.path} ${bodySha}`);
      headers['X-VR-Signature'] = signatureHeader(
        key,
        this.options.keyId,
        t,
        spec.method,
        spec.path,
        bodySha,
      );
      headers['X-VR-Content-SHA256'] = bodySha;
    } else {
      headers['X-VR-APIKEY'] = key;
    }
    return headers;
  }

  /** Times out only until the headers arrive: a long download or event stream is not cut. */
  private async send(spec: RequestSpec, headers: Record<string, string>, body?: string | Blob) {
    const controller = new AbortController();
    const onAbort = () => controller.abort(spec.signal?.reason);
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    const timeoutMs = this.options.timeoutMs ?? 60_000;
    const timer = setTimeout(
      () => controller.abort(new VoiceReelError(0, 'TIMEOUT', `No answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    try {
      // The caller's signal stays linked after the headers: aborting it also stops the body stream.
      return await this.fetchImpl(`${this.baseUrl}${spec.path}`, {
        method: spec.method,
        headers,
        body,
        signal: controller.signal,
      });
    } catch (err) {
      spec.signal?.removeEventListener('abort', onAbort);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}

function wrap(err: unknown): Error {
  if (err instanceof VoiceReelError) return err;
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof VoiceReelError) return cause;
  if ((err as Error).name === 'AbortError') return err as Error;
  return new VoiceReelError(
    0,
    'NETWORK_ERROR',
    `Request failed: ${(err as Error).message}`,
    undefined,
    undefined,
    {
      cause: err,
    },
  );
}
