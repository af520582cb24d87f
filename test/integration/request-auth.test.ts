import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../helpers/api.js';
import { expectErrorShape, listDir } from '../helpers/expect.js';
import { librivoxReference } from '../helpers/fixtures.js';
import {
  RawConnection,
  requestHead,
  serializeForm,
  sha256Hex,
  signatureHeader,
} from '../helpers/raw-http.js';
import { removeDir, startServer, type TestServer, waitForLog } from '../helpers/server.js';

/**
 * Work is done for a caller only once it is proven: a signature forged in a known key's name is not
 * counted, does not touch the key and does not spend its rate limit, and a forged upload is refused
 * before its body is read. Uploads are named by the server, never by a client's X-Request-Id.
 */

let server: TestServer;
let admin: Api;
type Key = { id: string; key: string };

const RATE = 30;
const FORGED = 40;
const THIRTY_MB = 30 * 1024 * 1024;

beforeAll(async () => {
  server = await startServer({ config: `[limits]\nrate_limit_per_minute = ${RATE}\n` });
  admin = new Api(server.url, server.adminKey);
});
afterAll(async () => {
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

async function newKey(name: string): Promise<Key> {
  const key = await admin.client.createKey({ name, project: name });
  expect(admin.lastStatus).toBe(201);
  return key;
}

const forgedSignature = (keyId: string) =>
  `k=${keyId},t=${Math.floor(Date.now() / 1000)},v1=${randomBytes(32).toString('hex')}`;

const tmpDir = () => join(server.dataDir, 'tmp');

describe('a forged signature in a known key’s name', () => {
  it('is not counted, does not touch the key and does not spend its rate limit', async () => {
    const victim = await newKey('victim');
    const json = JSON.stringify({ script: [{ speaker_id: 'spk_AAAAAAAAAAAAAAAA', text: 'hi' }] });
    for (let i = 0; i < FORGED; i++) {
      const variant = i % 3;
      const res = await fetch(`${server.url}/v1/${variant === 2 ? 'synthesize' : 'speakers'}`, {
        method: variant === 2 ? 'POST' : 'GET',
        headers: {
          'X-VR-Signature': forgedSignature(victim.id),
          // Half of them declare a body hash, so they are refused before any body is read.
          ...(variant === 1 ? { 'X-VR-Content-SHA256': sha256Hex('') } : {}),
          ...(variant === 2 ? { 'Content-Type': 'application/json' } : {}),
        },
        body: variant === 2 ? json : undefined,
      });
      expect(res.status, `forged request ${i}`).toBe(401);
      expectErrorShape(await res.json(), 'UNAUTHORIZED');
    }
    // An admin route asked in a non-admin key's name: 401 like any forgery, not a 403 that tells.
    const adminRoute = await fetch(`${server.url}/v1/keys`, {
      headers: { 'X-VR-Signature': forgedSignature(victim.id) },
    });
    expect(adminRoute.status).toBe(401);

    const keys = await admin.client.listKeys();
    expect(keys.items.find((k) => k.id === victim.id)?.last_used_at).toBeNull();
    const usage = await admin.client.usage();
    expect(usage.keys.find((k) => k.key_id === victim.id)?.requests ?? 0).toBe(0);

    // The real key still has its whole budget: 40 forgeries against a limit of 30 a minute spent nothing.
    const real = new Api(server.url, victim.key);
    for (let i = 0; i < 3; i++) expect((await real.json('GET', '/v1/speakers')).status).toBe(200);
  });

  it('declaring its body hash, is refused before the 100 Continue, so the 30 MB upload is never sent', async () => {
    const victim = await newKey('victim-upload');
    const conn = await RawConnection.open(server.url);
    conn.write(
      requestHead('POST', '/v1/speakers', {
        'X-VR-Signature': forgedSignature(victim.id),
        'X-VR-Content-SHA256': sha256Hex('whatever'),
        'Content-Type': 'multipart/form-data; boundary=xyz',
        'Content-Length': THIRTY_MB,
        Expect: '100-continue',
      }),
    );
    expect(await conn.waitClosed(10_000)).toBe(true);
    expect(conn.received).not.toMatch(/100 Continue/);
    expect(conn.status()).toBe(401);
    expectErrorShape(conn.json(), 'UNAUTHORIZED');
    expect(listDir(tmpDir())).toEqual([]);
  });

  it('without a body hash, is refused while its 30 MB upload is still being sent, and the rest is never read', async () => {
    const victim = await newKey('victim-stream');
    const conn = await RawConnection.open(server.url);
    conn.write(
      requestHead('POST', '/v1/speakers', {
        'X-VR-Signature': forgedSignature(victim.id),
        'Content-Type': 'multipart/form-data; boundary=xyz',
        'Content-Length': THIRTY_MB,
      }),
    );
    await conn.pump(THIRTY_MB, 15_000);
    expect(await conn.waitClosed(10_000)).toBe(true);
    expect(conn.status()).toBe(401);
    const body = conn.json();
    expectErrorShape(body, 'UNAUTHORIZED');
    expect(body.error.message).toMatch(/X-VR-Content-SHA256/);
    // The answer came while the client was still sending, and the server hung up instead of reading
    // the rest: what the client got into the socket is what loopback buffers hold, not 30 MB.
    expect(conn.writtenAtAnswer ?? THIRTY_MB).toBeLessThan(THIRTY_MB / 2);
    expect(conn.written).toBeLessThan(THIRTY_MB / 2);
    expect(listDir(tmpDir())).toEqual([]);
  });
});

describe('signed uploads with X-VR-Content-SHA256', () => {
  async function referenceForm(name: string) {
    const { file, script } = librivoxReference();
    const form = new FormData();
    form.set('name', name);
    form.set('lang', 'en');
    form.set('reference_script', script);
    form.set('reference_audio', new Blob([readFileSync(file)]), 'reference.wav');
    return serializeForm(form);
  }

  /** Signed over the declared hash, which the body sent may or may not match. */
  const upload = (key: Key, form: { body: Buffer; contentType: string }, declared: string) =>
    fetch(`${server.url}/v1/speakers`, {
      method: 'POST',
      headers: {
        'X-VR-Signature': signatureHeader(key, 'POST', '/v1/speakers', declared),
        'X-VR-Content-SHA256': declared,
        'Content-Type': form.contentType,
      },
      body: form.body,
    });

  it('registers a correctly signed upload', async () => {
    const key = await newKey('signer');
    const form = await referenceForm('Signed');
    const res = await upload(key, form, sha256Hex(form.body));
    expect(res.status).toBe(202);
    const { speaker_id } = (await res.json()) as { speaker_id: string };
    const list = await new Api(server.url, key.key).json<{ items: Array<{ id: string }> }>(
      'GET',
      '/v1/speakers',
    );
    expect(list.body.items.map((s) => s.id)).toContain(speaker_id);
    expect(listDir(tmpDir())).toEqual([]);
  });

  it('refuses a body that does not match its declared hash, keeping nothing', async () => {
    const key = await newKey('liar');
    // Signed honestly over the declared hash, but the body sent is a different one.
    const res = await upload(key, await referenceForm('Lied'), sha256Hex('a different body'));
    expect(res.status).toBe(401);
    const error = (await res.json()) as { error: { message: string } };
    expectErrorShape(error, 'UNAUTHORIZED');
    expect(error.error.message).toMatch(/X-VR-Content-SHA256/);
    const list = await new Api(server.url, key.key).json<{ total: number }>('GET', '/v1/speakers');
    expect(list.body.total).toBe(0);
    expect(listDir(tmpDir())).toEqual([]);
  });

  it('caps the body hashed for a signed GET', async () => {
    const key = await newKey('getter');
    const body = Buffer.alloc(100 * 1024, 1);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${server.url}/v1/speakers`,
        {
          method: 'GET',
          headers: {
            'X-VR-Signature': signatureHeader(key, 'GET', '/v1/speakers', sha256Hex(body)),
            'Content-Type': 'application/octet-stream',
            // Chunked, so only the server's own count can stop it.
            'Transfer-Encoding': 'chunked',
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write(body.subarray(0, 50 * 1024));
      req.end(body.subarray(50 * 1024));
    });
    expect(status).toBe(413);
  });
});

describe('request ids', () => {
  it('are made by the server: two uploads sent with one X-Request-Id do not share anything on disk', async () => {
    const key = await newKey('same-id');
    const clientId = 'client-chosen-id-0001';
    const { file, script } = librivoxReference();
    const form = new FormData();
    form.set('name', 'Slow');
    form.set('lang', 'en');
    form.set('reference_script', script);
    form.set('reference_audio', new Blob([readFileSync(file)]), 'reference.wav');
    const { body, contentType } = await serializeForm(form);

    // Upload A sends half its body and waits, its file half written into its temp folder...
    const slow = await RawConnection.open(server.url);
    slow.write(
      requestHead('POST', '/v1/speakers', {
        'X-VR-APIKEY': key.key,
        'X-Request-Id': clientId,
        'Content-Type': contentType,
        'Content-Length': body.length,
      }),
    );
    const half = Math.floor(body.length / 2);
    slow.write(body.subarray(0, half));
    await new Promise((r) => setTimeout(r, 300));

    // ...while upload B, with the same X-Request-Id, is answered (and cleans up after itself).
    const junk = new FormData();
    junk.set('name', 'Junk');
    junk.set('lang', 'en');
    junk.set('reference_script', 'hello');
    junk.set('reference_audio', new Blob([Buffer.from('not audio at all '.repeat(200))]), 'junk.wav');
    const quick = await fetch(`${server.url}/v1/speakers`, {
      method: 'POST',
      headers: { 'X-VR-APIKEY': key.key, 'X-Request-Id': clientId },
      body: junk,
    });
    expect(quick.status).toBe(415);
    const quickBody = (await quick.json()) as { request_id: string };
    expect(quickBody.request_id).toMatch(/^req_/);
    expect(quickBody.request_id).not.toBe(clientId);
    expect(quick.headers.get('x-request-id')).toBe(quickBody.request_id);

    slow.write(body.subarray(half));
    const until = Date.now() + 60_000;
    while (slow.status() === undefined && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(slow.status()).toBe(202);
    slow.end();
    expect(listDir(tmpDir())).toEqual([]);
    // The client's id is kept for tracing, as its own log field beside the server's.
    expect(
      await waitForLog(
        server,
        (l) => l.includes(`"client_request_id":"${clientId}"`) && l.includes(quickBody.request_id),
      ),
    ).toBe(true);
  });
});
