import { createHash, createHmac } from 'node:crypto';
import type { Rand } from './rand.js';
import { head, type RawRequest } from './raw-http.js';

/** Real objects on the fuzzed server, so generated requests reach past the id checks too. */
export interface FuzzTargets {
  adminKey: string;
  adminKeyId: string;
  /** A non-admin key of another project: sees none of the admin project's objects. */
  userKey: string;
  userKeyId: string;
  revokedKey: string;
  revokedKeyId: string;
  /** Keys the fuzzer may revoke (never the admin key, or every later request would be a 401). */
  spareKeyIds: string[];
  speakerId: string;
  /** A finished synthesis job with downloadable files. */
  jobId: string;
  /** Presigned path+query of its audio. */
  fileUrl: string;
  voice: string;
  /** A few seconds of real speech (WAV): decodes, too short to register. */
  shortSpeech: Buffer;
  /** A valid reference recording (WAV) with its transcript. */
  reference: { audio: Buffer; script: string };
}

export interface FuzzCase {
  category: string;
  method: string;
  /** Request target as written on the request line. */
  target: string;
  req: RawRequest;
  /** False where the client itself cut the request short or held its body back. */
  answerExpected: boolean;
  /** Sent this many times in a row (a replayed signature must be refused the second time). */
  repeat?: number;
}

export const METHODS = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD'] as const;
const ODD_METHODS = ['TRACE', 'PROPFIND', 'FOO', 'get', 'CONNECT', 'M-SEARCH', 'PURGE'];

export function method(r: Rand): string {
  return r.chance(0.04) ? r.pick(ODD_METHODS) : r.pick(METHODS);
}

/** An id for a slot whose prefix is `prefix`: real ones, well-formed strangers, and junk. */
export function fuzzId(r: Rand, t: FuzzTargets, prefix: 'spk' | 'job' | 'key' | 'file'): string {
  const real: Record<typeof prefix, string> = {
    spk: t.speakerId,
    job: t.jobId,
    key: r.pick([t.userKeyId, t.revokedKeyId, ...t.spareKeyIds]),
    file: t.fileUrl.split('/').pop()?.split('?')[0] ?? '',
  };
  return r.weighted<() => string>([
    [3, () => real[prefix]],
    [3, () => `${prefix}_${r.string(16)}`],
    [1, () => `${r.pick(['spk', 'job', 'key', 'file'])}_${r.string(16)}`],
    [1, () => `${prefix}_${r.string(r.int(0, 40))}`],
    [1, () => pct(r.nasty(r.int(1, 30)))],
    [
      1,
      () =>
        r.pick(['%ff%fe', '%00', '%2F..%2F', '..', '.', '%2e%2e', '%', '%zz', '__proto__', 'constructor']),
    ],
    [1, () => pct("' OR 1=1 --")],
    [1, () => r.string(r.int(200, 6000))],
    [1, () => Buffer.from(r.nasty(8), 'utf8').toString('latin1')],
    [1, () => ''],
  ])();
}

/** Paths over every route, and some that are no route at all. */
export function fuzzPath(r: Rand, t: FuzzTargets): string {
  return r.weighted<() => string>([
    [3, () => '/v1/speakers'],
    [3, () => `/v1/speakers/${fuzzId(r, t, 'spk')}`],
    [3, () => '/v1/synthesize'],
    [3, () => `/v1/jobs/${fuzzId(r, t, 'job')}`],
    [2, () => '/v1/usage'],
    [2, () => '/v1/keys'],
    [2, () => `/v1/keys/${fuzzId(r, t, 'key')}`],
    [2, () => '/v1/voices'],
    [3, () => `/v1/files/${fuzzId(r, t, 'file')}`],
    [2, () => t.fileUrl.split('?')[0]!],
    [1, () => '/healthz'],
    [1, () => '/readyz'],
    [1, () => '/metrics'],
    [
      3,
      () =>
        r.pick([
          '/',
          '/v1',
          '/v1/',
          '/v2/speakers',
          '/v1/SPEAKERS',
          '/v1//speakers',
          '/v1/jobs',
          '/v1/jobs/',
          `/v1/speakers/${t.speakerId}/extra`,
          '/.env',
          '/v1/files/../voicereel.db',
          '/v1/%2e%2e/keys',
          '/favicon.ico',
          '/healthz/',
          '/metrics?x',
          '//v1/speakers',
          `/v1/${r.string(r.int(1, 20))}`,
          `/${r.string(r.int(2000, 9000))}`,
        ]),
    ],
  ])();
}

/** Query strings: repeated, nested, empty, percent-broken and huge parameters. */
export function fuzzQuery(r: Rand, t: FuzzTargets): string {
  if (r.chance(0.45)) return '';
  const value = () =>
    r.weighted<() => string>([
      [2, () => String(r.int(-5, 200))],
      [1, () => r.pick(['0', '-0', '1e3', '1.5', '0x10', '', 'NaN', 'Infinity', '99999999999999999999'])],
      [1, () => r.pick(['2026-13', '2026-00', '0000-01', '9999-12', '2026-1', 'now', '2026-12'])],
      [1, () => r.pick(['en', 'ko', 'ja', 'xx', 'EN', ''])],
      [1, () => pct(r.nasty(r.int(1, 20)))],
      [1, () => r.pick(['%', '%zz', '%ff', '%00', '%E0%A4%A'])],
      [1, () => r.string(r.int(1000, 20000))],
    ])();
  const names = ['page', 'page_size', 'month', 'lang', 'exp', 'sig', 'status', 'project', r.string(3)];
  const params: string[] = [];
  for (let i = r.int(1, 4); i > 0; i--) {
    const name = r.pick(names);
    const shape = r.int(0, 5);
    if (shape === 0) params.push(`${name}[]=${value()}`);
    else if (shape === 1) params.push(`${name}[a][b]=${value()}`);
    else if (shape === 2) params.push(name);
    else params.push(`${name}=${value()}`);
  }
  if (r.chance(0.1)) {
    const [, q] = t.fileUrl.split('?');
    if (q) params.push(q);
  }
  const sep = r.chance(0.05) ? ';' : '&';
  return `?${params.join(sep)}${r.chance(0.05) ? '&&=&' : ''}`;
}

/** Percent-encodes the UTF-8 bytes (a lone surrogate becomes U+FFFD rather than an exception). */
export function pct(s: string): string {
  return [...Buffer.from(s, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).padStart(2, '0').toUpperCase()}`,
    )
    .join('');
}

export type AuthMode =
  | 'admin'
  | 'bearer'
  | 'user'
  | 'none'
  | 'garbage'
  | 'revoked'
  | 'twice'
  | 'basic'
  | 'signed'
  | 'bad-signature';

export function authMode(r: Rand): AuthMode {
  return r.weighted<AuthMode>([
    [40, 'admin'],
    [8, 'bearer'],
    [10, 'user'],
    [6, 'none'],
    [5, 'garbage'],
    [3, 'revoked'],
    [2, 'twice'],
    [2, 'basic'],
    [12, 'signed'],
    [12, 'bad-signature'],
  ]);
}

/** The SPEC's request signature (computed here independently of the server's code). */
export function signature(key: string, keyId: string, t: number, m: string, target: string, body: Buffer) {
  const sha = createHash('sha256').update(body).digest('hex');
  const v1 = createHmac('sha256', key).update(`${t}.${m.toUpperCase()}.${target}.${sha}`).digest('hex');
  return `k=${keyId},t=${t},v1=${v1}`;
}

function authHeaders(
  r: Rand,
  t: FuzzTargets,
  mode: AuthMode,
  m: string,
  target: string,
  body: Buffer,
): Array<[string, string]> {
  const now = Math.floor(Date.now() / 1000);
  switch (mode) {
    case 'admin':
      return [['X-VR-APIKEY', t.adminKey]];
    case 'bearer':
      return [['Authorization', `${r.pick(['Bearer', 'bearer', 'BEARER'])} ${t.adminKey}`]];
    case 'user':
      return [['X-VR-APIKEY', t.userKey]];
    case 'none':
      return [];
    case 'garbage':
      return [[r.pick(['X-VR-APIKEY', 'Authorization']), r.nasty(r.int(0, 80)).replace(/[\r\n\0]/g, '')]];
    case 'revoked':
      return [['X-VR-APIKEY', t.revokedKey]];
    case 'twice':
      return [
        ['X-VR-APIKEY', t.adminKey],
        ['X-VR-APIKEY', t.userKey],
      ];
    case 'basic':
      return [['Authorization', `Basic ${Buffer.from(`x:${t.adminKey}`).toString('base64')}`]];
    case 'signed':
      return [['X-VR-Signature', signature(t.adminKey, t.adminKeyId, now, m, target, body)]];
    case 'bad-signature':
      return [['X-VR-Signature', badSignature(r, t, now, m, target, body)]];
  }
}

function badSignature(r: Rand, t: FuzzTargets, now: number, m: string, target: string, body: Buffer) {
  const good = signature(t.adminKey, t.adminKeyId, now, m, target, body);
  return r.weighted<() => string>([
    [3, () => good.replace(/v1=[0-9a-f]/, (s) => (s.endsWith('0') ? 'v1=1' : 'v1=0'))],
    [2, () => signature(t.adminKey, t.adminKeyId, now - 301 - r.int(0, 10_000), m, target, body)],
    [1, () => signature(t.adminKey, t.adminKeyId, now + 301 + r.int(0, 10_000), m, target, body)],
    [2, () => signature('not-the-key', t.adminKeyId, now, m, target, body)],
    [1, () => signature(t.userKey, `key_${r.string(16)}`, now, m, target, body)],
    [1, () => signature(t.revokedKey, t.revokedKeyId, now, m, target, body)],
    [1, () => signature(t.adminKey, t.adminKeyId, now, m, target, Buffer.from('other body'))],
    [
      2,
      () =>
        r.pick([
          '',
          'k=',
          `k=${t.adminKeyId}`,
          `k=${t.adminKeyId},t=abc,v1=00`,
          `k=${t.adminKeyId},t=${now},v1=${'z'.repeat(64)}`,
          `k=${t.adminKeyId},t=${now},v1=${'0'.repeat(6400)}`,
          `t=${now},v1=${'0'.repeat(64)}`,
          ',,,',
          '=====',
          r.nasty(40).replace(/[\r\n\0]/g, ''),
        ]),
    ],
  ])();
}

export interface Assembly {
  method: string;
  target: string;
  body?: Buffer;
  contentType?: string;
  auth?: AuthMode;
  /** Extra headers, written after the usual ones. */
  extra?: Array<[string, string]>;
  /** Leave out the Content-Length header (e.g. when `extra` brings Transfer-Encoding). */
  noLength?: boolean;
}

/** Writes the request head: Host, auth (signed over the exact body), type, length, Connection: close. */
export function assemble(r: Rand, t: FuzzTargets, a: Assembly): Buffer {
  const body = a.body ?? Buffer.alloc(0);
  const headers: Array<[string, string]> = [['Host', '127.0.0.1']];
  headers.push(...authHeaders(r, t, a.auth ?? authMode(r), a.method, a.target, body));
  if (a.contentType !== undefined) headers.push(['Content-Type', a.contentType]);
  if (!a.noLength && (body.length > 0 || a.method === 'POST' || r.chance(0.1)))
    headers.push(['Content-Length', String(body.length)]);
  if (r.chance(0.08)) headers.push(['X-Request-Id', fuzzRequestId(r)]);
  headers.push(...(a.extra ?? []));
  headers.push(['Connection', 'close']);
  return head(a.method, a.target, headers);
}

function fuzzRequestId(r: Rand): string {
  return r.pick([
    `req_${r.string(16)}`,
    r.string(r.int(8, 128)),
    r.string(r.int(129, 4000)),
    '../../etc',
    'fuzz-fixed-request-id',
    r.nasty(20).replace(/[\r\n\0]/g, ''),
  ]);
}

export type Generated = Omit<FuzzCase, 'category'>;

export function simple(r: Rand, t: FuzzTargets, a: Assembly, answerExpected = true): Generated {
  const body = a.body ?? Buffer.alloc(0);
  return { method: a.method, target: a.target, req: request(assemble(r, t, a), body), answerExpected };
}

export function request(head: Buffer, body: Buffer, extra: Partial<RawRequest> = {}): RawRequest {
  return { head, body, ...extra };
}
