import {
  CONTENT_TYPES,
  encodeBody,
  keySeed,
  mutateBytes,
  mutateJson,
  randomJson,
  serialize,
  synthesizeSeed,
} from './fuzz-bodies.js';
import { multipart } from './fuzz-multipart.js';
import { bodySizeCase, protocolCase } from './fuzz-transport.js';
import {
  type AuthMode,
  type FuzzCase,
  type FuzzTargets,
  type Generated,
  simple,
  fuzzId,
  fuzzPath,
  fuzzQuery,
  method,
} from './fuzz-request.js';
import type { Rand } from './rand.js';

export const CATEGORIES = [
  'routes',
  'json',
  'multipart',
  'headers',
  'protocol',
  'encoding',
  'ids',
  'query',
  'body-size',
  'signature',
] as const;
export type Category = (typeof CATEGORIES)[number];

const WEIGHTS: Record<Category, number> = {
  routes: 20,
  json: 18,
  multipart: 10,
  headers: 10,
  protocol: 5,
  encoding: 6,
  ids: 10,
  query: 8,
  'body-size': 5,
  signature: 8,
};

/** The next hostile request, from the categories allowed. */
export function generate(r: Rand, t: FuzzTargets, allowed: readonly Category[] = CATEGORIES): FuzzCase {
  const category = r.weighted(allowed.map((c) => [WEIGHTS[c], c] as const));
  return { ...GENERATORS[category](r, t), category };
}

const mostlyAdmin = (r: Rand): AuthMode | undefined => (r.chance(0.75) ? 'admin' : undefined);

const GENERATORS: Record<Category, (r: Rand, t: FuzzTargets) => Generated> = {
  routes(r, t) {
    const m = method(r);
    const target = fuzzPath(r, t) + fuzzQuery(r, t);
    const withBody = ['POST', 'PUT', 'PATCH'].includes(m) || r.chance(0.1);
    const body = withBody ? Buffer.from(JSON.stringify(randomJson(r))) : undefined;
    const contentType = withBody ? r.pick(['application/json', ...CONTENT_TYPES]) : undefined;
    return simple(r, t, { method: m, target, body, contentType });
  },

  json(r, t) {
    const keys = r.chance(0.25);
    const seed = keys ? keySeed(r) : synthesizeSeed(r, t);
    const value = r.chance(0.85) ? mutateJson(r, seed) : seed;
    const text = serialize(value);
    const body = r.chance(0.3) ? mutateBytes(r, text) : Buffer.from(text);
    const contentType = r.chance(0.85) ? 'application/json' : r.pick(CONTENT_TYPES);
    const target = keys ? '/v1/keys' : '/v1/synthesize';
    return simple(r, t, { method: 'POST', target, body, contentType, auth: mostlyAdmin(r) });
  },

  multipart(r, t) {
    const m = multipart(r, t);
    const auth = m.valid ? 'admin' : mostlyAdmin(r);
    // Concurrent uploads sharing one client request id must not touch each other's temp files.
    const extra: Array<[string, string]> = r.chance(0.25) ? [['X-Request-Id', 'fuzz-shared-upload-id']] : [];
    return simple(r, t, {
      method: 'POST',
      target: '/v1/speakers',
      body: m.body,
      contentType: m.contentType,
      auth,
      extra,
    });
  },

  headers(r, t) {
    const m = r.pick(['GET', 'POST', 'DELETE']);
    const target = fuzzPath(r, t);
    const body = m === 'POST' ? Buffer.from(JSON.stringify(synthesizeSeed(r, t))) : Buffer.alloc(0);
    const extra: Array<[string, string]> = [];
    let noLength = false;
    let withheld = false;
    switch (r.int(0, 9)) {
      case 0: {
        // One byte more than is sent: the server rightly waits for it (no answer is expected).
        const length = r.pick(['abc', '-1', '99999999999999999999', '1, 2', String(body.length + 1)]);
        withheld = length === String(body.length + 1);
        extra.push(['Content-Length', length]);
        noLength = true;
        break;
      }
      case 1:
        extra.push(['X-Fuzz', 'y'.repeat(r.pick([8_000, 17_000, 70_000]))]);
        break;
      case 2:
        for (let i = r.int(50, 400); i > 0; i--) extra.push([`X-F${i}`, r.string(20)]);
        break;
      case 3:
        extra.push(['Expect', r.pick(['100-continue', '200-ok', 'x', '100-Continue'])]);
        break;
      case 4:
        extra.push([
          'Range',
          r.pick([
            'bytes=0-10',
            'bytes=-5',
            'bytes=10-1',
            'bytes=0-0,5-9',
            'bytes=99999999-',
            'bytes=abc',
            'items=0-1',
            'bytes=-0',
            'bytes=0-18446744073709551616',
          ]),
        ]);
        break;
      case 5:
        extra.push(['Content-Type', r.pick(CONTENT_TYPES)], ['Content-Type', 'application/json']);
        break;
      case 6:
        extra.push(
          ['Accept', r.pick(['text/html', '*/*', 'application/xml', 'x'.repeat(5000)])],
          ['Accept-Encoding', 'gzip, br'],
        );
        break;
      case 7:
        extra.push(['Host', 'evil.example'], ['X-Forwarded-For', '1.2.3.4'], ['X-Forwarded-Proto', 'https']);
        break;
      case 8:
        extra.push(['Cookie', `session=${r.string(r.int(10, 6000))}`]);
        break;
      default:
        extra.push(['X-VR-APIKEY', r.string(r.int(2000, 12000))]);
    }
    const g = simple(r, t, { method: m, target, body, contentType: 'application/json', extra, noLength });
    return withheld ? { ...g, req: { ...g.req, timeoutMs: 1500 }, answerExpected: false } : g;
  },

  protocol: protocolCase,

  encoding(r, t) {
    const json = Buffer.from(JSON.stringify(synthesizeSeed(r, t)));
    const { body, encoding } = encodeBody(r, json);
    const multipartTarget = r.chance(0.15);
    return simple(r, t, {
      method: 'POST',
      target: multipartTarget ? '/v1/speakers' : '/v1/synthesize',
      body,
      contentType: multipartTarget
        ? 'multipart/form-data; boundary=x'
        : r.pick([
            'application/json',
            'application/json; charset=utf-8',
            'application/json; charset=utf-16le',
          ]),
      extra: [['Content-Encoding', encoding]],
      auth: mostlyAdmin(r),
    });
  },

  ids(r, t) {
    const slot = r.pick(['spk', 'job', 'key', 'file'] as const);
    const base = { spk: '/v1/speakers/', job: '/v1/jobs/', key: '/v1/keys/', file: '/v1/files/' }[slot];
    const m = r.weighted([
      [5, 'GET'],
      [3, 'DELETE'],
      [1, 'PUT'],
      [1, 'HEAD'],
    ] as const);
    let id = fuzzId(r, t, slot);
    // The fixture speaker and job feed the other generators; deleting them would dull the rest of the run.
    if (m === 'DELETE' && (id === t.speakerId || id === t.jobId)) id = `${slot}_${r.string(16)}`;
    return simple(r, t, {
      method: m,
      target: `${base}${id}${r.chance(0.2) ? fuzzQuery(r, t) : ''}`,
      auth: mostlyAdmin(r),
    });
  },

  query(r, t) {
    const path = r.pick([
      '/v1/speakers',
      '/v1/usage',
      '/v1/voices',
      '/v1/keys',
      `/v1/jobs/${t.jobId}`,
      t.fileUrl.split('?')[0]!,
      '/metrics',
      '/healthz',
    ]);
    let q = fuzzQuery(r, t);
    if (q === '') q = `?page=${r.int(-3, 3)}&page_size=${r.pick(['0', '101', '20', 'x'])}`;
    return simple(r, t, { method: r.chance(0.9) ? 'GET' : 'HEAD', target: path + q, auth: mostlyAdmin(r) });
  },

  'body-size': bodySizeCase,

  signature(r, t) {
    const m = r.pick(['GET', 'GET', 'POST', 'DELETE']);
    const target =
      m === 'POST'
        ? r.pick(['/v1/synthesize', '/v1/keys'])
        : r.pick([
            '/v1/speakers',
            `/v1/jobs/${t.jobId}`,
            '/v1/usage?month=2026-01',
            '/v1/keys',
            '/v1/voices',
            `/v1/speakers/spk_${r.string(16)}`,
          ]);
    const body =
      m === 'POST'
        ? Buffer.from(JSON.stringify(target === '/v1/keys' ? keySeed(r) : synthesizeSeed(r, t)))
        : Buffer.alloc(0);
    const auth = r.chance(0.5) ? 'signed' : 'bad-signature';
    const g = simple(r, t, {
      method: m,
      target,
      body,
      contentType: m === 'POST' ? 'application/json' : undefined,
      auth,
    });
    // A replay of the very same signed request: must be refused the second time.
    return r.chance(0.2) ? { ...g, repeat: 2 } : g;
  },
};
