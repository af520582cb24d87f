import { synthesizeSeed } from './fuzz-bodies.js';
import { multipart } from './fuzz-multipart.js';
import { assemble, type FuzzTargets, fuzzPath, type Generated, request, simple } from './fuzz-request.js';
import type { Rand } from './rand.js';
import type { RawRequest } from './raw-http.js';

/** Requests that are not quite HTTP: bad versions, folded and illegal headers, smuggling shapes, raw bytes. */
export function protocolCase(r: Rand, t: FuzzTargets): Generated {
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
        base.replace('\r\nConnection', '\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection') +
        '0\r\n\r\n',
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
    // Blank lines before a request line are skipped (RFC 9112, 2.2): the server waits for the request.
    answerExpected: !mutated.endsWith('ab\r\n') && /\r?\n\r?\n/.test(mutated) && mutated.trim() !== '',
  };
}

/** Bodies that lie about or exceed their size: huge declarations, withheld bytes, hang-ups, chunked floods. */
export function bodySizeCase(r: Rand, t: FuzzTargets): Generated {
  const upload = r.chance(0.5);
  const target = upload ? '/v1/speakers' : '/v1/synthesize';
  const contentType = upload ? 'multipart/form-data; boundary=x' : 'application/json';
  /** A POST whose framing headers are given as they are (no Content-Length of our own). */
  const framed = (
    headers: Array<[string, string]>,
    body: Buffer,
    raw: Partial<RawRequest>,
    answerExpected: boolean,
    to = target,
    type = contentType,
  ): Generated => {
    const h = assemble(r, t, {
      method: 'POST',
      target: to,
      contentType: type,
      auth: 'admin',
      noLength: true,
      extra: headers,
    });
    return { method: 'POST', target: to, req: request(h, body, raw), answerExpected };
  };
  const seedJson = () => Buffer.from(JSON.stringify(synthesizeSeed(r, t)));
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
      const headers: Array<[string, string]> = [['Content-Length', declared]];
      if (expect) headers.push(['Expect', '100-continue']);
      return framed(headers, expect ? Buffer.alloc(0) : r.bytes(64 * 1024), { timeoutMs: 5000 }, true);
    }
    case 'withheld': {
      const body = seedJson();
      return framed([['Content-Length', String(body.length + 1000)]], body, { timeoutMs: 1500 }, false);
    }
    case 'hangup': {
      const m = multipart(r, t);
      const hangup = { sendBodyBytes: r.int(0, m.body.length - 1), after: 'hangup' as const };
      return framed(
        [['Content-Length', String(m.body.length)]],
        m.body,
        hangup,
        false,
        '/v1/speakers',
        m.contentType,
      );
    }
    case 'chunked-over': {
      const size = upload && r.chance(0.1) ? 31 * 1024 * 1024 : 2 * 1024 * 1024;
      const start = upload
        ? '--x\r\nContent-Disposition: form-data; name="reference_audio"; filename="a.wav"\r\n\r\n'
        : '{"script":"';
      const body = chunked(Buffer.concat([Buffer.from(start), Buffer.alloc(size, 0x61)]));
      return framed([['Transfer-Encoding', 'chunked']], body, { timeoutMs: 20_000 }, true);
    }
    case 'honest-over': {
      const size = upload ? 32 * 1024 * 1024 : 1100 * 1024;
      const body = Buffer.concat([Buffer.from('{"script":"'), Buffer.alloc(size, 0x61), Buffer.from('"}')]);
      return simple(r, t, { method: 'POST', target, body, contentType, auth: 'admin' });
    }
    case 'short-length': {
      const body = seedJson();
      const length = String(r.int(0, body.length - 1));
      return framed([['Content-Length', length]], body, {}, true, '/v1/synthesize', 'application/json');
    }
  }
}

function chunked(data: Buffer, size = 64 * 1024): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) {
    const piece = data.subarray(i, i + size);
    out.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  out.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(out);
}
