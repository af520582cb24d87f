import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../helpers/api.js';
import { expectErrorShape, listDir } from '../helpers/expect.js';
import { librivoxReference } from '../helpers/fixtures.js';
import { type AppServer, startApp } from '../helpers/app.js';
import { removeDir } from '../helpers/server.js';

/**
 * Back-pressure and limits (SPEC error table): queue full → 503 UNAVAILABLE, per-key rate limit →
 * 429 RATE_LIMITED, monthly character quota → 429 QUOTA_EXCEEDED, all with Retry-After and the one
 * error shape; an `Expect: 100-continue` upload over the limit is refused before its body is sent.
 *
 * Phase A (queue depth 1, 2 MB uploads) registers a voice and creates keys on a data dir; phase B
 * restarts on the same data dir with the rate limit and quota on, so its keys start with full budgets.
 */

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'vr-limits-'));
const scratch = mkdtempSync(join(tmpdir(), 'vr-limits-out-'));
const adminKey = `vr_test_limits_${randomBytes(16).toString('hex')}`;
let server: AppServer | undefined;
let admin: Api;
let speakerId: string;
const keys: Record<'quota' | 'rate' | 'other' | 'speech', string> = {
  quota: '',
  rate: '',
  other: '',
  speech: '',
};

function retryAfter(headers: Headers): number {
  const value = headers.get('retry-after');
  expect(value, 'Retry-After header').toMatch(/^\d+$/);
  return Number(value);
}

function line(text: string) {
  return { speaker_id: speakerId, text };
}

beforeAll(async () => {
  server = await startApp({
    dataDir,
    adminKey,
    config:
      '[engine]\nworkers = 1\n[jobs]\nconcurrency = 1\n[limits]\nqueue_max_depth = 1\nmax_upload_mb = 2\n',
  });
  admin = new Api(server.url, adminKey);
  const { file, script } = librivoxReference();
  speakerId = (await admin.readySpeaker({ name: 'Narrator', lang: 'en', script, file }, 60_000)).speakerId;
  for (const name of ['quota', 'rate', 'other', 'speech'] as const) {
    keys[name] = (await admin.client.createKey({ name, project: 'default' })).key;
    expect(admin.lastStatus).toBe(201);
  }
});

afterAll(async () => {
  await server?.stop();
  removeDir(dataDir);
  removeDir(scratch);
});

describe('queue depth and uploads (queue_max_depth = 1, max_upload_mb = 2)', () => {
  it('answers 503 UNAVAILABLE with Retry-After while the queue is full, and accepts again once it drains', async () => {
    const long = Array.from({ length: 30 }, (_, i) =>
      line(`Line ${i + 1} keeps the only worker busy for a while, so the queue stays full.`),
    );
    const first = await admin.client.synthesize({ script: long });
    expect(admin.lastStatus).toBe(202);

    const refused = await admin.json('POST', '/v1/synthesize', { script: [line('One more, please.')] });
    expect(refused.status).toBe(503);
    expectErrorShape(refused.body, 'UNAVAILABLE');
    // The refusal names the limit reached (per-key and per-project caps answer 429 instead).
    expect((refused.body as { error: { details: unknown } }).error.details).toEqual({
      limit: 'queue_depth',
      max: 1,
    });
    expect(retryAfter(refused.headers)).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('content-type')).toMatch(/application\/json/);
    // Registrations are jobs too: refused while the queue is full, before the upload is analysed.
    const { file, script } = librivoxReference();
    const reg = await admin.registerSpeaker({ name: 'Late', lang: 'en', script, file });
    expect(reg.status).toBe(503);
    expectErrorShape(reg.body, 'UNAVAILABLE');

    // Canceling the long job frees the slot; the same request is then accepted and runs.
    await admin.client.cancelJob(first.job_id);
    expect(admin.lastStatus).toBe(204);
    const accepted = await admin.client.synthesize({ script: [line('One more, please.')] });
    expect(admin.lastStatus).toBe(202);
    expect((await admin.client.waitForJob(accepted.job_id, { timeoutMs: 45_000 })).status).toBe('succeeded');
  });

  it('refuses an Expect: 100-continue upload over max_upload_mb with 413 before the body is sent', async () => {
    const big = join(scratch, 'big.wav');
    writeFileSync(big, Buffer.alloc(3 * 1024 * 1024, 7));
    const out = join(scratch, 'body.json');
    const { stdout } = await run('curl', [
      '-sS',
      '--max-time',
      '20',
      '--expect100-timeout',
      '15',
      '-o',
      out,
      '-w',
      '%{http_code} %{size_upload}',
      '-H',
      `X-VR-APIKEY: ${adminKey}`,
      '-H',
      'Expect: 100-continue',
      '-F',
      'name=big',
      '-F',
      'lang=en',
      '-F',
      'reference_script=hello',
      '-F',
      `reference_audio=@${big};type=audio/wav`,
      `${server?.url}/v1/speakers`,
    ]);
    const [status, uploaded] = stdout.trim().split(' ').map(Number);
    expect(status).toBe(413);
    // The server answered the 100-continue with the final 413, so curl never sent the 3 MB body.
    expect(uploaded).toBeLessThan(64 * 1024);
    expectErrorShape(JSON.parse(readFileSync(out, 'utf8')), 'PAYLOAD_TOO_LARGE');
    expect(listDir(join(dataDir, 'tmp'))).toEqual([]);
    expect((await admin.client.listSpeakers()).total).toBe(1);
  });

  it('sends 100 Continue for an upload within the limit, so the upload goes through at once', async () => {
    const { file, script } = librivoxReference();
    const started = Date.now();
    const out = join(scratch, 'ok.json');
    const { stdout } = await run('curl', [
      '-sS',
      '--max-time',
      '30',
      // Without a 100 Continue from the server curl would wait this long before sending anyway.
      '--expect100-timeout',
      '25',
      '-o',
      out,
      '-w',
      '%{http_code} %{size_upload}',
      '-H',
      `X-VR-APIKEY: ${adminKey}`,
      '-H',
      'Expect: 100-continue',
      '-F',
      'name=Continued',
      '-F',
      'lang=en',
      '-F',
      `reference_script=${script}`,
      '-F',
      `reference_audio=@${file};type=audio/wav`,
      `${server?.url}/v1/speakers`,
    ]);
    const [status, uploaded] = stdout.trim().split(' ').map(Number);
    expect(status).toBe(202);
    expect(uploaded).toBeGreaterThan(1_500_000);
    expect(Date.now() - started).toBeLessThan(20_000);
    const body = JSON.parse(readFileSync(out, 'utf8')) as { job_id: string };
    expect((await admin.client.waitForJob(body.job_id, { timeoutMs: 45_000 })).status).toBe('succeeded');
    expect(listDir(join(dataDir, 'tmp'))).toEqual([]);
  });
});

describe('rate limit and monthly quota (rate_limit_per_minute = 5, monthly_character_quota = 50)', () => {
  beforeAll(async () => {
    await server?.stop();
    server = await startApp({
      dataDir,
      adminKey,
      config: '[limits]\nrate_limit_per_minute = 5\nmonthly_character_quota = 50\n',
    });
    admin = new Api(server.url, adminKey);
  });

  it('answers 429 RATE_LIMITED with Retry-After after 5 requests a minute, per key', async () => {
    const limited = new Api(server?.url ?? '', keys.rate);
    for (let i = 0; i < 5; i++) {
      const res = await limited.json('GET', '/v1/speakers');
      expect(res.status, `request ${i + 1}`).toBe(200);
    }
    const refused = await limited.json('GET', '/v1/speakers');
    expect(refused.status).toBe(429);
    expectErrorShape(refused.body, 'RATE_LIMITED');
    const wait = retryAfter(refused.headers);
    // One token comes back every 12 s at 5 per minute.
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    // Another key has its own budget.
    expect((await new Api(server?.url ?? '', keys.other).json('GET', '/v1/speakers')).status).toBe(200);
  });

  it('answers 429 QUOTA_EXCEEDED with Retry-After for a request over the monthly characters, and accepts one within it', async () => {
    const client = new Api(server?.url ?? '', keys.quota);
    const sixty = 'This sentence is exactly sixty characters long, give or tak.';
    const twenty = 'Twenty chars here ok';
    const forty = 'A forty character sentence for quota ok';
    const thirty = 'Thirty characters, no more ok';
    expect([sixty.length, twenty.length, forty.length, thirty.length]).toEqual([60, 20, 39, 29]);

    const over = await client.json('POST', '/v1/synthesize', { script: [line(sixty)] });
    expect(over.status).toBe(429);
    expectErrorShape(over.body, 'QUOTA_EXCEEDED');
    const wait = retryAfter(over.headers);
    // Until the next calendar month (UTC) begins.
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(31 * 24 * 3600);

    const small = await client.client.synthesize({ script: [line(twenty)] });
    expect(client.lastStatus).toBe(202);
    // Poll sparingly: the admin key is rate limited too (5 a minute).
    let status = 'queued';
    for (let i = 0; i < 5 && (status === 'queued' || status === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 1500));
      status = (await admin.client.getJob(small.job_id)).status;
    }
    expect(status).toBe('succeeded');

    // 20 used: 39 more would pass 50, 29 more fits exactly within it.
    const second = await client.json('POST', '/v1/synthesize', { script: [line(forty)] });
    expect(second.status).toBe(429);
    expectErrorShape(second.body, 'QUOTA_EXCEEDED');
    expect((second.body as { error: { message: string } }).error.message).toMatch(/30/);
    const fits = await client.json('POST', '/v1/synthesize', { script: [line(thirty)] });
    expect(fits.status).toBe(202);
  });

  // Jobs accepted but not finished count against the quota, so a burst of requests cannot overrun it.
  it('counts characters of jobs still queued or running against the quota', async () => {
    const client = new Api(server?.url ?? '', keys.other);
    const text = 'Thirty characters, no more ok';
    const first = await client.json('POST', '/v1/synthesize', { script: [line(text)] });
    expect(first.status).toBe(202);
    // 29 in flight + 29 more > 50, sent before the first job can have finished.
    const second = await client.json('POST', '/v1/synthesize', { script: [line(text)] });
    expect(second.status).toBe(429);
  });

  // POST /v1/audio/speech answers at once, but its characters count against the same quota.
  it('counts POST /v1/audio/speech against the monthly quota', async () => {
    const client = new Api(server?.url ?? '', keys.speech);
    const speech = (input: string) =>
      client.json('POST', '/v1/audio/speech', {
        model: 'tts-1',
        voice: speakerId,
        input,
        response_format: 'pcm',
      });
    const over = await client.json('POST', '/v1/audio/speech', {
      model: 'tts-1',
      voice: 'builtin-en',
      input: 'x'.repeat(51),
    });
    expect(over.status).toBe(429);
    expectErrorShape(over.body, 'QUOTA_EXCEEDED');
    const text = 'Thirty characters, no more ok';
    const audio = await client.client.speech({
      model: 'tts-1',
      voice: speakerId,
      input: text,
      response_format: 'pcm',
    });
    expect(client.lastStatus).toBe(200);
    expect((await new Response(audio).arrayBuffer()).byteLength).toBeGreaterThan(24000);
    // 29 used: 29 more would pass 50, through either route.
    expect((await speech(text)).status).toBe(429);
    expect((await client.json('POST', '/v1/synthesize', { script: [line(text)] })).status).toBe(429);
  });
});
