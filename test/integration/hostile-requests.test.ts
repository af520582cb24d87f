import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { head, type RawOutcome, send } from '../chaos/raw-http.js';
import { errorShape } from '../chaos/verdict.js';
import { listDir } from '../helpers/expect.js';
import { librivoxReference } from '../helpers/fixtures.js';
import { removeDir, startServer, type TestServer } from '../helpers/server.js';

/**
 * Regressions found by the chaos suite (npm run test:chaos), each over a raw socket because fetch
 * cannot send them: what Node's HTTP layer refuses gets the one error shape too, an upload whose
 * client hangs up leaves no temp folder, an early 413 reaches a Connection: close client, and a
 * graceful stop answers the uploads in flight instead of crashing under them.
 */

function expectShaped(o: RawOutcome, status: number, code: string): void {
  expect(o.kind).toBe('response');
  if (o.kind !== 'response') return;
  expect(o.response.status).toBe(status);
  const shape = errorShape(o.response.headers['content-type'], o.response.body);
  expect(shape, o.response.body.toString()).toMatchObject({ ok: true, code });
}

async function uploadBody() {
  const ref = librivoxReference();
  const form = new FormData();
  form.set('name', 'Upload');
  form.set('lang', 'en');
  form.set('reference_script', ref.script);
  form.set('reference_audio', new Blob([readFileSync(ref.file)]), 'ref.wav');
  const res = new Response(form);
  return { body: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type') ?? '' };
}

const uploadHead = (key: string, type: string, length: number, connection = 'close') =>
  head('POST', '/v1/speakers', [
    ['Host', '127.0.0.1'],
    ['X-VR-APIKEY', key],
    ['Content-Type', type],
    ['Content-Length', String(length)],
    ['Connection', connection],
  ]);

describe('requests that never reach the app, and uploads cut short', () => {
  let server: TestServer;
  let port: number;
  beforeAll(async () => {
    server = await startServer({ config: '[engine]\nworkers = 1\n[limits]\nmax_upload_mb = 2\n' });
    port = Number(new URL(server.url).port);
  });
  afterAll(async () => {
    await server.kill();
    removeDir(server.dataDir);
  });
  const raw = (text: string) =>
    send(port, { head: Buffer.from(text, 'latin1'), body: Buffer.alloc(0), timeoutMs: 5000 });

  it('answers bytes that are not HTTP, and a bad Content-Length, with 400 in the error shape', async () => {
    expectShaped(await raw('GET /healthz HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n'), 400, 'INVALID_INPUT');
    expectShaped(
      await raw('POST /v1/synthesize HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'),
      400,
      'INVALID_INPUT',
    );
    expectShaped(await raw('\u0016\u0003\u0001\u0002\u0000\u0001\r\n\r\n'), 400, 'INVALID_INPUT');
  });

  it('gets its 400 for a bad header even while a large body follows', async () => {
    const body = Buffer.alloc(8 * 1024 * 1024, 0x61);
    const h = `POST /v1/speakers HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\u0000b\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    for (let i = 0; i < 3; i++) {
      const o = await send(port, { head: Buffer.from(h, 'latin1'), body, readDelayMs: 300 });
      expectShaped(o, 400, 'INVALID_INPUT');
    }
  });

  it('answers headers over the limit with 431 HEADERS_TOO_LARGE in the error shape', async () => {
    expectShaped(
      await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(20_000)}\r\n\r\n`),
      431,
      'HEADERS_TOO_LARGE',
    );
  });

  it('answers CONNECT with 405 and a missing Host with 400, both in the error shape', async () => {
    expectShaped(await raw('CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: x\r\n\r\n'), 405, 'METHOD_NOT_ALLOWED');
    expectShaped(await raw('GET /v1/speakers HTTP/1.1\r\nConnection: close\r\n\r\n'), 400, 'INVALID_INPUT');
  });

  it('survives CONNECT clients that reset the connection', async () => {
    // The socket of a CONNECT has no listeners of Node's own: one reset used to end the process.
    for (let i = 0; i < 60; i++) {
      await new Promise<void>((done) => {
        const c = connect({ host: '127.0.0.1', port }, () => {
          c.write(`CONNECT /x HTTP/1.1\r\nHost: x\r\n\r\n${'y'.repeat(i % 3 === 0 ? 200_000 : 5)}`);
          if (i % 2) c.destroy();
        });
        c.on('data', () => c.destroy());
        c.on('error', () => done());
        c.on('close', () => done());
      });
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(server.proc.exitCode).toBeNull();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('serves a request with an unknown Expect instead of a bare 417', async () => {
    const o = await raw('GET /healthz HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nConnection: close\r\n\r\n');
    expect(o.kind === 'response' && o.response.status).toBe(200);
  });

  it('leaves no upload temp folder when the client hangs up early in the body', async () => {
    const body = Buffer.concat([
      Buffer.from('--x\r\nContent-Disposition: form-data; name="reference_audio"; filename="a.wav"\r\n\r\n'),
      Buffer.alloc(100_000, 1),
    ]);
    const h = head('POST', '/v1/speakers', [
      ['Host', 'x'],
      ['X-VR-APIKEY', server.adminKey],
      ['Content-Type', 'multipart/form-data; boundary=x'],
      ['Content-Length', String(body.length + 100)],
    ]);
    for (const bytes of [0, 10, 50_000, 0, 10, 50_000, 0, 10, 50_000]) {
      const o = await send(port, { head: h, body, sendBodyBytes: bytes, after: 'hangup' });
      expect(o.kind).toBe('closed');
    }
    const tmp = join(server.dataDir, 'tmp');
    // The server may not even have started on the last ones yet: give it time, then look.
    await new Promise((r) => setTimeout(r, 1500));
    for (let i = 0; i < 40 && listDir(tmp).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(listDir(tmp)).toEqual([]);
  });

  it('gets its 413 even when the client sends far more than the server will discard', async () => {
    // 20 MB at a 1 MB JSON limit, from a client too busy to read for a moment: the server stops
    // reading at its cap but closes only after a pause, so the answer is not lost in a reset.
    const body = Buffer.alloc(20 * 1024 * 1024, 0x20);
    for (let i = 0; i < 4; i++) {
      const h = head('POST', '/v1/synthesize', [
        ['Host', 'x'],
        ['X-VR-APIKEY', server.adminKey],
        ['Content-Type', 'application/json'],
        ['Content-Length', String(body.length)],
        ['Connection', 'close'],
      ]);
      expectShaped(await send(port, { head: h, body, readDelayMs: 300 }), 413, 'PAYLOAD_TOO_LARGE');
    }
  });

  it('gets its 413 to a Connection: close client streaming a chunked body over the limit', async () => {
    const piece = Buffer.alloc(64 * 1024, 0x61);
    const chunks = Buffer.concat(
      Array.from({ length: 40 }, () => Buffer.concat([Buffer.from('10000\r\n'), piece, Buffer.from('\r\n')])),
    );
    const body = Buffer.concat([Buffer.from('1\r\n{\r\n'), chunks, Buffer.from('0\r\n\r\n')]);
    for (let i = 0; i < 4; i++) {
      const h = head('POST', '/v1/synthesize', [
        ['Host', 'x'],
        ['X-VR-APIKEY', server.adminKey],
        ['Content-Type', 'application/json'],
        ['Transfer-Encoding', 'chunked'],
        ['Connection', 'close'],
      ]);
      expectShaped(await send(port, { head: h, body }), 413, 'PAYLOAD_TOO_LARGE');
    }
  });

  it('gets its early 413 to a Connection: close client that is still sending', async () => {
    const body = Buffer.alloc(6 * 1024 * 1024, 0x61);
    for (let i = 0; i < 5; i++) {
      const o = await send(port, {
        head: uploadHead(server.adminKey, 'multipart/form-data; boundary=x', body.length),
        body,
      });
      expectShaped(o, 413, 'PAYLOAD_TOO_LARGE');
    }
  });
});

describe('a graceful stop with uploads in flight', () => {
  let server: TestServer | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'vr-stop-'));
  afterAll(async () => {
    await server?.kill();
    removeDir(dataDir);
  });
  const config = '[engine]\nworkers = 1\n[server]\nshutdown_timeout_seconds = 0\n';

  /** Starts a server, sends it a real reference upload (at `bytesPerSecond`), and SIGTERMs it after `ms`. */
  async function stopDuringUpload(ms: number, bytesPerSecond?: number) {
    const live = await startServer({ config, dataDir, adminKey: server?.adminKey });
    server = live;
    const { body, type } = await uploadBody();
    const port = Number(new URL(live.url).port);
    const head = uploadHead(live.adminKey, type, body.length);
    const upload = send(port, { head, body, bytesPerSecond, timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, ms));
    await live.stop();
    return { o: await upload, proc: live.proc, adminKey: live.adminKey };
  }

  it('answers an upload still arriving with 503 UNAVAILABLE and exits cleanly', async () => {
    const { o, proc } = await stopDuringUpload(600, 512 * 1024);
    expectShaped(o, 503, 'UNAVAILABLE');
    expect(proc.exitCode).toBe(0);
  }, 60_000);

  it('finishes an upload being inspected (202, the job kept) instead of aborting under it', async () => {
    // The body is on the wire at once; the server is then decoding it on the analysis worker.
    const { o, proc, adminKey } = await stopDuringUpload(60);
    expect(proc.signalCode).toBeNull();
    expect(proc.exitCode).toBe(0);
    // Almost always 202 (the body was in); on a slow machine it may still have been arriving (503).
    if (o.kind === 'response' && o.response.status === 503) return expectShaped(o, 503, 'UNAVAILABLE');
    expect(o.kind === 'response' && o.response.status).toBe(202);
    const jobId =
      o.kind === 'response' ? (JSON.parse(o.response.body.toString()) as { job_id: string }).job_id : '';
    server = await startServer({ config, dataDir, adminKey });
    const job = await fetch(`${server.url}/v1/jobs/${jobId}`, { headers: { 'X-VR-APIKEY': adminKey } });
    expect(job.status).toBe(200);
  }, 60_000);
});
