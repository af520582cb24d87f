import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../src/store/db.js';
import { storedObjects, usingPostgres } from '../helpers/backend.js';
import { Api } from '../helpers/api.js';

import { librivoxReference } from '../helpers/fixtures.js';
import { removeDir, startServer, type TestServer } from '../helpers/server.js';

/**
 * Speaker and job states agree on every path of a registration, through the real server: a queued
 * or running registration that is canceled leaves its job `canceled`, its speaker `failed` with
 * code CANCELED (never pending forever, never ready), and its recording deleted from the data dir;
 * a registration interrupted by kill -9 is retried and ends ready with its job succeeded; a speaker
 * left pending by a canceled job in an older database is settled at start-up.
 *
 * One analysis thread and one job at a time: a long synthesis holds a registration in the queue,
 * and a 272 s reference keeps a registration's analysis running for seconds.
 */

const CONFIG = '[engine]\nworkers = 1\nanalysis_workers = 1\n[jobs]\nconcurrency = 1\n';
const dataDir = mkdtempSync(join(tmpdir(), 'vr-cancel-'));
const adminKey = `vr_test_cancel_${randomBytes(16).toString('hex')}`;
let server: TestServer | undefined;
let api: Api;
let refs: { heavy: { file: string; script: string }; normal: { file: string; script: string } };

async function restart(): Promise<void> {
  server = await startServer({ config: CONFIG, dataDir, adminKey });
  api = new Api(server.url, adminKey);
}

async function register(ref: { file: string; script: string }, name: string) {
  const res = await api.client.registerSpeaker({
    name,
    lang: 'en',
    referenceScript: ref.script,
    audio: ref.file,
  });
  expect(api.lastStatus).toBe(202);
  return { jobId: res.job_id, speakerId: res.speaker_id };
}

const job = (id: string) => api.client.getJob(id);
const speaker = (id: string) => api.client.getSpeaker(id);
const referenceFiles = async (speakerId: string) =>
  (await storedObjects(dataDir, 'references')).filter((f) => f.startsWith(`${speakerId}.`));

async function until(cond: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function analysisBusy(): Promise<number> {
  const text = await (await fetch(`${server!.url}/metrics`)).text();
  return Number(/^voicereel_workers_busy\{pool="analysis"\} (\d+)/m.exec(text)?.[1] ?? NaN);
}

async function expectCanceled(r: { jobId: string; speakerId: string }): Promise<void> {
  expect(await job(r.jobId)).toMatchObject({ status: 'canceled', error: { code: 'CANCELED' } });
  const s = await speaker(r.speakerId);
  expect(s.status).toBe('failed');
  expect(s.error?.code).toBe('CANCELED');
  expect(s.error?.message).toMatch(/canceled/i);
  expect(s.reference.retained).toBe(false);
  expect(await referenceFiles(r.speakerId)).toEqual([]);
}

beforeAll(async () => {
  refs = { heavy: librivoxReference(11), normal: librivoxReference() };
  await restart();
});

afterAll(async () => {
  await server?.kill();
  removeDir(dataDir);
});

describe('canceling a registration', () => {
  it('fails the speaker of a queued registration and deletes its recording at once', async () => {
    const voice = await register(refs.normal, 'Narrator');
    expect((await api.client.waitForJob(voice.jobId)).status).toBe('succeeded');
    // A long synthesis holds the only job slot; the analysis thread stays free for the upload.
    const long = await api.client.synthesize({
      script: Array.from({ length: 40 }, (_, i) => ({
        speaker_id: voice.speakerId,
        text: `Line ${i + 1} of a long script that keeps the only job slot busy for a while.`,
      })),
    });
    expect(api.lastStatus).toBe(202);
    const queued = await register(refs.normal, 'Waiting');
    expect((await job(long.job_id)).status).toBe('running');
    expect((await job(queued.jobId)).status).toBe('queued');
    expect(await referenceFiles(queued.speakerId)).toHaveLength(1);

    await api.client.cancelJob(queued.jobId);
    expect(api.lastStatus).toBe(204);
    await expectCanceled(queued);

    // Once the slot is free the canceled registration is not picked up: it stays as it was left.
    await api.client.cancelJob(long.job_id);
    expect(api.lastStatus).toBe(204);
    const after = await register(refs.normal, 'After the queue');
    expect((await api.client.waitForJob(after.jobId)).status).toBe('succeeded');
    await expectCanceled(queued);
  }, 180_000);

  it('cancels a running registration: the speaker never turns ready and its recording is deleted', async () => {
    const r = await register(refs.heavy, 'Interrupted');
    await until(async () => (await job(r.jobId)).status === 'running' && (await analysisBusy()) === 1);

    await api.client.cancelJob(r.jobId);
    expect(api.lastStatus).toBe(204);
    await expectCanceled(r);
    // The analysis is left to finish in its thread (ending a thread inside onnxruntime would take
    // the process with it), and its result is dropped: the speaker does not turn ready afterwards.
    await until(async () => (await analysisBusy()) === 0, 90_000);
    await expectCanceled(r);

    // The next registration goes through.
    const next = await register(refs.normal, 'After');
    expect((await api.client.waitForJob(next.jobId)).status).toBe('succeeded');
    expect((await speaker(next.speakerId)).status).toBe('ready');
    await expectCanceled(r);
  }, 180_000);
});

describe('crashes and older databases', () => {
  it('retries a registration interrupted by kill -9: job succeeded and speaker ready', async () => {
    const r = await register(refs.heavy, 'Crashed');
    await until(async () => (await job(r.jobId)).status === 'running');
    await server!.kill();
    await restart();
    const done = await api.client.waitForJob(r.jobId);
    expect(done.status, JSON.stringify(done)).toBe('succeeded');
    expect((await speaker(r.speakerId)).status).toBe('ready');
  }, 180_000);

  // It writes the stalled rows straight into the SQLite file; the repair itself is dialect-free SQL.
  it.skipIf(usingPostgres())(
    'settles at start-up a speaker left pending by a canceled job, and deletes its recording',
    async () => {
      const r = await register(refs.normal, 'Stuck');
      expect((await api.client.waitForJob(r.jobId)).status).toBe('succeeded');
      await server!.stop();
      // What a canceled registration left before cancels kept the speaker in step: job canceled,
      // speaker pending, recording on disk.
      const rel = `references/${r.speakerId}.wav`;
      writeFileSync(join(dataDir, rel), 'RIFF');
      const db = openDatabase(join(dataDir, 'voicereel.db'));
      db.prepare(
        "UPDATE jobs SET status = 'canceled', error_code = 'CANCELED', error_message = 'Canceled by request.' WHERE id = ?",
      ).run(r.jobId);
      db.prepare(
        "UPDATE speakers SET status = 'pending', profile_json = NULL, reference_file = ? WHERE id = ?",
      ).run(rel, r.speakerId);
      closeDatabase(db);

      await restart();
      await expectCanceled(r);
    },
    120_000,
  );
});
