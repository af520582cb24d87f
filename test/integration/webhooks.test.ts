import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { speakerForm } from '../../src/client/index.js';
import { Api } from '../helpers/api.js';
import { expectErrorShape } from '../helpers/expect.js';
import { librivoxReference } from '../helpers/fixtures.js';
import { removeDir, startServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 11, item 5: signed webhooks. A receiver on loopback (allowed by config) checks every delivery
 * with its own Standard Webhooks verification (written here from the spec, not the server's code).
 */
interface Delivery {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

const received: Delivery[] = [];
/** Per path: the statuses to answer with, in turn (the last one repeats). */
const script = new Map<string, number[]>();
let receiver: Server;
let hookBase = '';
let server: TestServer;
let admin: Api;
let dataDir: string;
let secret = '';

const CONFIG =
  '[engine]\nworkers = 1\n[jobs]\nconcurrency = 1\n' +
  '[webhooks]\nallowed_hosts = ["127.0.0.1"]\nretry_base_seconds = 0.2\nmax_attempts = 4\ntimeout_seconds = 2\n';

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      });
      const plan = script.get(path) ?? [204];
      const status = plan.length > 1 ? (plan.shift() as number) : (plan[0] as number);
      if (status >= 300 && status < 400) res.setHeader('Location', `${hookBase}/ok`);
      res.writeHead(status).end(status >= 400 ? 'receiver says no '.repeat(100) : '');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  hookBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'vr-webhooks-'));
  server = await startServer({ dataDir, config: CONFIG });
  admin = new Api(server.url, server.adminKey);
  const res = await admin.client.webhookSecret();
  expect(admin.lastStatus).toBe(200);
  expect(res.project).toBe('default');
  secret = res.secret;
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
}, 90_000);

afterAll(async () => {
  await server?.stop();
  await new Promise((r) => receiver?.close(r));
  if (dataDir) removeDir(dataDir);
});

/** Standard Webhooks verification: HMAC-SHA256 over "id.timestamp.body" with the base64 key after whsec_. */
function verify(d: Delivery): boolean {
  const id = String(d.headers['webhook-id']);
  const ts = String(d.headers['webhook-timestamp']);
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${d.body}`).digest();
  return String(d.headers['webhook-signature'])
    .split(' ')
    .some((s) => {
      const [v, sig] = s.split(',');
      const given = Buffer.from(sig ?? '', 'base64');
      return v === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

async function synthesize(path: string): Promise<string> {
  const { job_id } = await admin.client.synthesize({
    script: [{ voice: 'builtin-en', text: 'A webhook should tell someone about this.' }],
    callback_url: `${hookBase}${path}`,
  });
  expect(admin.lastStatus).toBe(202);
  return job_id;
}

async function until<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const callbackOf = async (jobId: string) => (await admin.client.getJob(jobId)).callback;
/** The job's callback once its delivery reached `status`. */
const callbackReaches = (jobId: string, status: string) =>
  until(async () => {
    const c = await callbackOf(jobId);
    return c?.status === status ? c : undefined;
  });
const hits = (path: string) => received.filter((d) => d.path === path);

describe('signed webhooks', () => {
  it('delivers exactly one signed POST per finished job, its body the job view', async () => {
    const jobId = await synthesize('/ok');
    expect(await callbackOf(jobId)).toMatchObject({ url: `${hookBase}/ok`, status: expect.any(String) });
    await admin.client.waitForJob(jobId);
    const cb = await callbackReaches(jobId, 'delivered');
    expect(cb).toEqual({
      url: `${hookBase}/ok`,
      status: 'delivered',
      attempts: 1,
      last_error: null,
      next_attempt_at: null,
    });
    await new Promise((r) => setTimeout(r, 1000));
    const got = hits('/ok');
    expect(got).toHaveLength(1);
    const [d] = got as [Delivery];
    expect(verify(d)).toBe(true);
    expect(d.headers['content-type']).toBe('application/json');
    expect(d.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{24}$/);
    const body = JSON.parse(d.body) as Record<string, unknown>;
    const view = await admin.client.getJob(jobId);
    expect(body).toMatchObject({
      id: jobId,
      type: 'synthesize',
      status: 'succeeded',
      finished_at: view.finished_at,
    });
    expect((body.result as { duration: number }).duration).toBe(
      (view.result as { duration: number }).duration,
    );
    // A changed body fails the receiver's check.
    expect(verify({ ...d, body: d.body.replace('succeeded', 'failed') })).toBe(false);
  }, 120_000);

  it('retries a failing receiver with backoff until it answers 2xx, with the same webhook-id', async () => {
    script.set('/flaky', [500, 503, 200]);
    const jobId = await synthesize('/flaky');
    await admin.client.waitForJob(jobId);
    const cb = await callbackReaches(jobId, 'delivered');
    expect(cb).toMatchObject({ status: 'delivered', attempts: 3, last_error: null });
    const got = hits('/flaky');
    expect(got).toHaveLength(3);
    expect(new Set(got.map((d) => d.headers['webhook-id'])).size).toBe(1);
    expect(got.every(verify)).toBe(true);
    // Exponential: the second wait is at least the base (0.2 s) doubled.
    expect((got[2] as Delivery).at - (got[1] as Delivery).at).toBeGreaterThanOrEqual(350);
  }, 120_000);

  it('never follows a redirect: a 3xx is a failed attempt, and the attempts run out', async () => {
    script.set('/moved', [302]);
    const before = hits('/ok').length;
    const jobId = await synthesize('/moved');
    await admin.client.waitForJob(jobId);
    const cb = await callbackReaches(jobId, 'failed');
    expect(cb).toMatchObject({ status: 'failed', attempts: 4, next_attempt_at: null });
    expect(String(cb.last_error)).toMatch(/HTTP 302.*redirects are not followed/);
    expect(hits('/moved')).toHaveLength(4);
    expect(hits('/ok')).toHaveLength(before);
  }, 120_000);

  it('keeps only a short snippet of a failing answer', async () => {
    script.set('/down', [500]);
    const jobId = await synthesize('/down');
    await admin.client.waitForJob(jobId);
    const cb = await callbackReaches(jobId, 'failed');
    expect(String(cb.last_error)).toMatch(/^HTTP 500: receiver says no/);
    expect(String(cb.last_error).length).toBeLessThanOrEqual(220);
  }, 120_000);

  it('refuses a host not on the allow-list, or a non-http URL, with a 400 before any job exists', async () => {
    for (const url of [
      'http://example.com/hook',
      'ftp://127.0.0.1/x',
      'http://user:pw@127.0.0.1/x',
      'not a url',
    ]) {
      const res = await admin.json('POST', '/v1/synthesize', {
        script: [{ voice: 'builtin-en', text: 'Hi.' }],
        callback_url: url,
      });
      expect(res.status).toBe(400);
      expectErrorShape(res.body, 'INVALID_INPUT');
      expect((res.body as { error: { details: { field: string } } }).error.details.field).toBe(
        'callback_url',
      );
    }
    const refused = await admin.json('POST', '/v1/synthesize', {
      script: [{ voice: 'builtin-en', text: 'Hi.' }],
      callback_url: 'http://example.com/hook',
    });
    expect(JSON.stringify(refused.body)).toMatch(/allowed_hosts/);

    const { file, script: text } = librivoxReference();
    // The client's own form, its answer read as it is (raw).
    const form = await speakerForm({
      name: 'Hooked',
      lang: 'en',
      referenceScript: text,
      callbackUrl: 'http://example.com/hook',
      audio: file,
      filename: 'ref.wav',
    });
    const reg = await admin.client.http.request({ method: 'POST', path: '/v1/speakers', ...form, raw: true });
    expect(reg.status).toBe(400);
    expectErrorShape(await reg.json(), 'INVALID_INPUT');
    expect(JSON.stringify(await admin.client.listSpeakers())).not.toMatch(/Hooked/);
  });

  it('delivers from the durable outbox after a restart', async () => {
    // A longer backoff for this part, so the server stops between the first attempt and the next.
    await restart(CONFIG.replace('retry_base_seconds = 0.2', 'retry_base_seconds = 5'));
    script.set('/later', [500]);
    const jobId = await synthesize('/later');
    await admin.client.waitForJob(jobId);
    await until(() => (hits('/later').length > 0 ? true : undefined));
    await server.stop();
    expect(hits('/later')).toHaveLength(1);
    script.set('/later', [200]);
    await restart(CONFIG);
    const cb = await callbackReaches(jobId, 'delivered');
    expect(cb.attempts).toBe(2);
    const got = hits('/later');
    expect(got).toHaveLength(2);
    expect(new Set(got.map((d) => d.headers['webhook-id'])).size).toBe(1);
    expect(verify(got.at(-1) as Delivery)).toBe(true);
  }, 120_000);
});

async function restart(config: string): Promise<void> {
  await server.stop();
  server = await startServer({ dataDir, adminKey: server.adminKey, config });
  admin = new Api(server.url, server.adminKey);
}
