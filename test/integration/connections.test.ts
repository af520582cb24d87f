import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../helpers/api.js';
import { expectErrorShape, listDir } from '../helpers/expect.js';
import { librivoxReference } from '../helpers/fixtures.js';
import { RawConnection, requestHead } from '../helpers/raw-http.js';
import { removeDir, startServer, type TestServer } from '../helpers/server.js';

/**
 * Slow clients and connection caps, with small limits so they show within seconds: a header block
 * must arrive within 2 s, a body at 16 KiB/s on average after a 2 s grace, and at most 6 connections
 * (3 per client address) are open at once. Raw sockets from other loopback addresses (127.0.0.x)
 * play the other clients.
 */

const FLOOR = 16 * 1024;
let server: TestServer;
let admin: Api;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  server = await startServer({
    config: [
      '[server]',
      'headers_timeout_seconds = 2',
      'keep_alive_timeout_seconds = 1',
      'max_connections = 6',
      'max_connections_per_ip = 3',
      '[limits]',
      'min_body_kib_per_second = 16',
      'body_grace_seconds = 2',
    ].join('\n'),
  });
  admin = new Api(server.url, server.adminKey);
  // The readiness probe's keep-alive connection is closed by the server before the caps are counted.
  await sleep(1500);
});
afterAll(async () => {
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

const open = (from: string) => RawConnection.open(server.url, from);

async function answered(conn: RawConnection, ms: number): Promise<number | undefined> {
  const until = Date.now() + ms;
  while (conn.status() === undefined && !conn.isClosed && Date.now() < until) await sleep(20);
  return conn.status();
}

describe('connection caps (3 per address, 6 in all)', () => {
  it('closes a connection over the per-address cap at once, while other clients are served', async () => {
    const held = [await open('127.0.0.2'), await open('127.0.0.2'), await open('127.0.0.2')];
    const fourth = await open('127.0.0.2');
    expect(await fourth.waitClosed(1000)).toBe(true);
    expect(fourth.received).toBe('');
    expect(held.some((c) => c.isClosed)).toBe(false);

    const other = await open('127.0.0.3');
    other.write(requestHead('GET', '/healthz', { Connection: 'close' }));
    expect(await answered(other, 1000)).toBe(200);

    // A slot freed by the same client is usable again.
    held[0]?.end();
    await sleep(100);
    const again = await open('127.0.0.2');
    again.write(requestHead('GET', '/healthz', { Connection: 'close' }));
    expect(await answered(again, 1000)).toBe(200);
    for (const c of held) c.end();
  });

  it('closes connections over the total cap at once, and serves again once they are gone', async () => {
    await sleep(200);
    const held: RawConnection[] = [];
    for (const from of ['127.0.0.4', '127.0.0.5', '127.0.0.6']) {
      held.push(await open(from), await open(from));
    }
    const seventh = await open('127.0.0.7');
    expect(await seventh.waitClosed(1000)).toBe(true);
    expect(seventh.received).toBe('');
    expect(held.some((c) => c.isClosed)).toBe(false);
    for (const c of held) c.end();
    await sleep(200);
    expect((await admin.json('GET', '/v1/speakers')).status).toBe(200);
  });
});

describe('slow clients', () => {
  it('cuts off a client that trickles its headers', async () => {
    const conn = await open('127.0.0.8');
    conn.write('GET /v1/speakers HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const started = Date.now();
    const sent = await conn.trickle(`X-Slow: ${'a'.repeat(200)}\r\n\r\n`, 1, 100, 10_000);
    expect(conn.isClosed).toBe(true);
    expect(sent).toBeLessThan(200);
    // 2 s for the header block, checked every second.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(conn.status()).toBe(408);
  });

  it('answers 408 to an upload trickled below the minimum rate, closes it and keeps no temp files', async () => {
    const conn = await open('127.0.0.9');
    const head =
      '--xyz\r\nContent-Disposition: form-data; name="reference_audio"; filename="a.wav"\r\n' +
      'Content-Type: audio/wav\r\n\r\n';
    const total = 200_000;
    conn.write(
      requestHead('POST', '/v1/speakers', {
        'X-VR-APIKEY': server.adminKey,
        'Content-Type': 'multipart/form-data; boundary=xyz',
        'Content-Length': total,
      }),
    );
    conn.write(head);
    // A quarter of the floor: 4 KiB/s, so its file is open in the temp folder when it is cut.
    const started = Date.now();
    await conn.trickle(Buffer.alloc(total - head.length, 1), 512, 125, 10_000);
    expect(conn.isClosed).toBe(true);
    // Cut once its bytes stop paying for the time: 2 s grace / (1 − ¼) ≈ 2.7 s.
    expect(Date.now() - started).toBeLessThan(6000);
    expect(conn.status()).toBe(408);
    expectErrorShape(conn.json(), 'REQUEST_TIMEOUT');
    const until = Date.now() + 3000;
    while (listDir(join(server.dataDir, 'tmp')).length > 0 && Date.now() < until) await sleep(50);
    expect(listDir(join(server.dataDir, 'tmp'))).toEqual([]);
  });

  it('lets a body sent at twice the minimum rate take the time it needs', async () => {
    const conn = await open('127.0.0.10');
    const text = 'x'.repeat(96 * 1024);
    const body = JSON.stringify({ script: [{ speaker_id: 'spk_AAAAAAAAAAAAAAAA', text }] });
    conn.write(
      requestHead('POST', '/v1/synthesize', {
        'X-VR-APIKEY': server.adminKey,
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        Connection: 'close',
      }),
    );
    const started = Date.now();
    await conn.trickle(body, 4096, (4096 / (2 * FLOOR)) * 1000, 15_000);
    // About 3 s, longer than the grace: answered on its merits (a line too long), not cut off.
    expect(Date.now() - started).toBeGreaterThan(2500);
    expect(await answered(conn, 5000)).toBe(400);
    expectErrorShape(conn.json(), 'INVALID_INPUT');
    conn.end();
  });

  it('still takes a normal upload', async () => {
    const { file, script } = librivoxReference();
    await admin.client.registerSpeaker({ name: 'Normal', lang: 'en', referenceScript: script, audio: file });
    expect(admin.lastStatus).toBe(202);
    expect(listDir(join(server.dataDir, 'tmp'))).toEqual([]);
  });
});
