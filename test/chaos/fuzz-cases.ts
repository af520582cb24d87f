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
import {
  assemble,
  type Assembly,
  type AuthMode,
  type FuzzCase,
  type FuzzTargets,
  fuzzId,
  fuzzPath,
  fuzzQuery,
  method,
  request,
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

type Generated = Omit<FuzzCase, 'category'>;

function simple(r: Rand, t: FuzzTargets, a: Assembly, answerExpected = true): Generated {
  const body = a.body ?? Buffer.alloc(0);
  return { method: a.method, target: a.target, req: request(assemble(r, t, a), body), answerExpected };
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
    return simple(r, t, {
      method: 'POST',
      target: '/v1/speakers',
      body: m.body,
      contentType: m.contentType,
      auth,
    });
  },

  headers(r, t) {
    const m = r.pick(['GET', 'POST', 'DELETE']);
    const target = fuzzPath(r, t);
    const body = m === 'POST' ? Buffer.from(JSON.stringify(synthesizeSeed(r, t))) : Buffer.alloc(0);
    const extra: Array<[string, string]> = [];
    let noLength = false;
    switch (r.int(0, 9)) {
      case 0:
        extra.push([
          'Content-Length',
          r.pick(['abc', '-1', '99999999999999999999', '1, 2', String(body.length + 1)]),
        ]);
        noLength = true;
        break;
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
    return simple(r, t, { method: m, target, body, contentType: 'application/json', extra, noLength });
  },

  protocol(r, t) {
    const target = fuzzPath(r, t);
    const base = assemble(r, t, { method: 'GET', target, auth: 'admin' }).toString('latin1');
    const mutated = r.weighted<() => string>([
      [
        2,
        () =>
          base.replace(
            'HTTP/1.1',
            r.pick(['HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1.1 x', 'HTTP/1', 'HTTX/1.1']),
          ),
      ],
      [2, () => base.replace(/Host: [^\r]*\r\n/, '')],
      [1, () => base.replace('\r\n', '\r\n folded\r\n')],
      [1, () => base.replace('\r\nConnection', '\r\nBad Name: x\r\nConnection')],
      [1, () => base.replace('\r\nConnection', '\r\nX-Ctl: a\u0001b\u007f\r\nConnection')],
      [1, () => base.replace(/\r\n/g, '\n')],
      [1, () => base.replace(' ', '\t  ')],
      [1, () => base.replace(`GET ${target}`, `GET http://127.0.0.1${target}`)],
      [
        1,
        () =>
          base.replace(
            `GET ${target}`,
            r.pick(['OPTIONS *', 'GET *', 'GET', 'GET  /healthz', ' GET /healthz']),
          ),
      ],
      [1, () => base.replace(`GET ${target}`, `GET ${target}#frag`)],
      [
        1,
        () =>
          base.replace(
            '\r\nConnection',
            '\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection',
          ) + '0\r\n\r\n',
      ],
      [
        1,
        () =>
          base.replace('\r\nConnection', '\r\nTransfer-Encoding: chunked\r\nConnection') +
          r.pick([
            'zz\r\nab\r\n0\r\n\r\n',
            '5;ext=1\r\nabcde\r\n0\r\n\r\n',
            '3\r\nabcde\r\n0\r\n\r\n',
            'ffffffffffffff\r\nab\r\n',
          ]),
      ],
      [
        1,
        () =>
          r.pick([
            'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
            '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001',
            '\r\n\r\n\r\n',
            'GET /healthz HTTP/1.1\r\n',
          ]),
      ],
      [1, () => r.bytes(r.int(1, 400)).toString('latin1')],
    ])();
    return {
      method: 'GET',
      target,
      req: request(Buffer.from(mutated, 'latin1'), Buffer.alloc(0), { timeoutMs: 3000 }),
      answerExpected: !mutated.endsWith('ab\r\n') && /\r?\n\r?\n/.test(mutated),
    };
  },

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

  'body-size'(r, t) {
    const upload = r.chance(0.5);
    const target = upload ? '/v1/speakers' : '/v1/synthesize';
    const contentType = upload ? 'multipart/form-data; boundary=x' : 'application/json';
    const kind = r.weighted([
      [3, 'declared-huge'],
      [2, 'withheld'],
      [2, 'hangup'],
      [2, 'chunked-over'],
      [2, 'honest-over'],
      [1, 'short-length'],
    ] as const);
    switch (kind) {
      case 'declared-huge': {
        const expect = r.chance(0.5);
        const declared = r.pick(['41943040', '2147483648', '1000000000000000']);
        const req = request(
          assemble(r, t, {
            method: 'POST',
            target,
            contentType,
            auth: 'admin',
            noLength: true,
            extra: [
              ['Content-Length', declared],
              ...(expect ? [['Expect', '100-continue'] as [string, string]] : []),
            ],
          }),
          expect ? Buffer.alloc(0) : r.bytes(64 * 1024),
          { timeoutMs: 5000 },
        );
        return { method: 'POST', target, req, answerExpected: true };
      }
      case 'withheld': {
        const body = Buffer.from(JSON.stringify(synthesizeSeed(r, t)));
        const req = request(
          assemble(r, t, {
            method: 'POST',
            target,
            contentType,
            auth: 'admin',
            noLength: true,
            extra: [['Content-Length', String(body.length + 1000)]],
          }),
          body,
          { timeoutMs: 1500 },
        );
        return { method: 'POST', target, req, answerExpected: false };
      }
      case 'hangup': {
        const m = multipart(r, t);
        const req = request(
          assemble(r, t, {
            method: 'POST',
            target: '/v1/speakers',
            body: m.body,
            contentType: m.contentType,
            auth: 'admin',
          }),
          m.body,
          { sendBodyBytes: r.int(0, m.body.length - 1), after: 'hangup' },
        );
        return { method: 'POST', target: '/v1/speakers', req, answerExpected: false };
      }
      case 'chunked-over': {
        const size = upload && r.chance(0.1) ? 31 * 1024 * 1024 : 2 * 1024 * 1024;
        const body = chunked(
          Buffer.concat([
            Buffer.from(
              upload
                ? '--x\r\nContent-Disposition: form-data; name="reference_audio"; filename="a.wav"\r\n\r\n'
                : '{"script":"',
            ),
            Buffer.alloc(size, 0x61),
          ]),
        );
        const req = request(
          assemble(r, t, {
            method: 'POST',
            target,
            contentType,
            auth: 'admin',
            noLength: true,
            extra: [['Transfer-Encoding', 'chunked']],
          }),
          body,
          { timeoutMs: 20_000 },
        );
        return { method: 'POST', target, req, answerExpected: true };
      }
      case 'honest-over': {
        const body = Buffer.concat([
          Buffer.from('{"script":"'),
          Buffer.alloc(upload ? 32 * 1024 * 1024 : 1100 * 1024, 0x61),
          Buffer.from('"}'),
        ]);
        return simple(r, t, { method: 'POST', target, body, contentType, auth: 'admin' });
      }
      case 'short-length': {
        const body = Buffer.from(JSON.stringify(synthesizeSeed(r, t)));
        const req = request(
          assemble(r, t, {
            method: 'POST',
            target: '/v1/synthesize',
            contentType: 'application/json',
            auth: 'admin',
            noLength: true,
            extra: [['Content-Length', String(r.int(0, body.length - 1))]],
          }),
          body,
        );
        return { method: 'POST', target: '/v1/synthesize', req, answerExpected: true };
      }
    }
  },

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

function chunked(data: Buffer, size = 64 * 1024): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) {
    const piece = data.subarray(i, i + size);
    out.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  out.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(out);
}
