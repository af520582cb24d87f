import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Job, type Speaker, type SynthesisResult, VoiceReelClient } from '../../src/client/index.js';
import { Api } from '../helpers/api.js';

import { librivoxReference } from '../helpers/fixtures.js';
import { type AppServer, startApp } from '../helpers/app.js';
import { removeDir, waitForLog } from '../helpers/server.js';
import { storedObjects } from '../helpers/backend.js';

/**
 * Retention (SPEC: "All job audio and reference audio is deleted after 48 hours by default
 * (configurable, can be turned off)"), with the sweep run every second by node-cron and a retention
 * of 0.001 h (3.6 s): job files and reference recordings disappear from disk and from the API, while
 * the voice profile stays usable. With retention_hours = 0 nothing is deleted.
 */

const CLEANUP_MSG = 'retention cleanup deleted expired files';

interface Setup {
  server: AppServer;
  api: Api;
  speakerId: string;
}

let short: Setup | undefined;
let keep: Setup | undefined;

const referenceFiles = async (s: Setup, speakerId: string) =>
  (await storedObjects(s.server.dataDir, 'references')).filter((f) => f.startsWith(`${speakerId}.`));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function setup(storage: string): Promise<Setup> {
  const server = await startApp({
    config: `[engine]\nworkers = 1\n[jobs]\nconcurrency = 1\n[storage]\n${storage}`,
  });
  const api = new Api(server.url, server.adminKey);
  const { file, script } = librivoxReference();
  const { speakerId } = await api.readySpeaker({ name: 'Narrator', lang: 'en', script, file }, 60_000);
  return { server, api, speakerId };
}

async function synthesize(s: Setup, text: string): Promise<Job & { result?: SynthesisResult }> {
  const { job_id } = await s.api.client.synthesize({
    script: [
      { speaker_id: s.speakerId, text },
      { speaker_id: s.speakerId, text: 'And a second line, for good measure.' },
    ],
    caption_format: 'vtt',
  });
  expect(s.api.lastStatus).toBe(202);
  const job = await s.api.client.waitForJob(job_id, { timeoutMs: 45_000 });
  expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
  return { ...job, result: VoiceReelClient.synthesisResult(job) };
}

async function speaker(s: Setup, id: string): Promise<Speaker> {
  const found = await s.api.client.getSpeaker(id);
  expect(s.api.lastStatus).toBe(200);
  return found;
}

beforeAll(async () => {
  [short, keep] = await Promise.all([
    setup('retention_hours = 0.001\ncleanup_schedule = "* * * * * *"\n'),
    setup('retention_hours = 0\ncleanup_schedule = "* * * * * *"\n'),
  ]);
});

afterAll(async () => {
  for (const s of [short, keep]) {
    if (!s) continue;
    await s.server.stop();
    removeDir(s.server.dataDir);
  }
});

describe('retention_hours = 0.001 with a sweep every second', () => {
  it('deletes job audio, captions and the reference recording, keeping the voice usable', async () => {
    const s = short as Setup;
    const job = await synthesize(s, 'These files are meant to expire within seconds.');
    const audioUrl = job.result?.audio_url ?? '';
    const captionUrl = job.result?.caption_url ?? '';
    expect(job.result?.files_expire_at).not.toBeNull();
    // Served at first (the files expire 3.6 s after the job finished).
    expect((await s.api.download(audioUrl)).status).toBe(200);
    expect((await s.api.download(captionUrl)).status).toBe(200);
    const jobDir = `jobs/${job.id}`;

    const started = Date.now();
    let gone = false;
    while (!gone && Date.now() - started < 15_000) {
      await sleep(250);
      // One after another: speaker() checks the status of the client's last answer.
      const audio = await s.api.download(audioUrl);
      const captions = await s.api.download(captionUrl);
      const spk = await speaker(s, s.speakerId);
      gone =
        audio.status === 404 &&
        captions.status === 404 &&
        (await storedObjects(s.server.dataDir, jobDir)).length === 0 &&
        (await referenceFiles(s, s.speakerId)).length === 0 &&
        !spk.reference.retained;
    }
    expect(Date.now() - started).toBeLessThan(12_000);

    const audio = await s.api.download(audioUrl);
    expect(audio.status).toBe(404);
    const body = JSON.parse(new TextDecoder().decode(audio.bytes)) as { error: { code: string } };
    expect(body.error.code).toBe('NOT_FOUND');
    expect((await s.api.download(captionUrl)).status).toBe(404);
    // The job's own folder goes too, once its last file has expired.
    expect(await storedObjects(s.server.dataDir, jobDir)).toEqual([]);
    expect(await referenceFiles(s, s.speakerId)).toEqual([]);
    const spk = await speaker(s, s.speakerId);
    expect(spk.status).toBe('ready');
    expect(spk.reference.retained).toBe(false);
    // The job itself is still on record.
    expect((await s.api.client.getJob(job.id)).status).toBe('succeeded');

    expect(await waitForLog(s.server, (l) => l.includes(CLEANUP_MSG))).toBe(true);
    const swept = s.server.logs
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg?: string; files?: number; references?: number })
      .filter((l) => l.msg === CLEANUP_MSG);
    expect(swept.length).toBeGreaterThan(0);
    expect(swept.reduce((n, l) => n + (l.files ?? 0), 0)).toBeGreaterThanOrEqual(2);
    expect(swept.reduce((n, l) => n + (l.references ?? 0), 0)).toBeGreaterThanOrEqual(1);

    // The voice profile outlives its recording: synthesis with it still works.
    const again = await synthesize(s, 'The recording is gone, but the voice remains.');
    const fresh = await s.api.download(again.result?.audio_url ?? '');
    expect(fresh.status).toBe(200);
    expect(fresh.bytes.length).toBeGreaterThan(1000);
  });

  it('keeps the recording of a registration still waiting in the queue until it is analysed', async () => {
    const s = short as Setup;
    // One job at a time: a long synthesis holds the queue past the 3.6 s retention (and a sweep),
    // then is canceled, so the wait does not depend on how fast this machine synthesizes.
    const long = await s.api.client.synthesize({
      script: Array.from({ length: 240 }, (_, i) => ({
        speaker_id: s.speakerId,
        text: `Line ${i + 1} of a long script that keeps the only worker busy for several seconds.`,
      })),
    });
    expect(s.api.lastStatus).toBe(202);
    const { file, script } = librivoxReference();
    const reg = await s.api.client.registerSpeaker({
      name: 'Waiting',
      lang: 'en',
      referenceScript: script,
      audio: file,
    });
    expect(s.api.lastStatus).toBe(202);
    await sleep(5500);
    await s.api.client.cancelJob(long.job_id);
    const regJob = await s.api.client.waitForJob(reg.job_id, { timeoutMs: 45_000 });
    const waited = await s.api.client.getJob(reg.job_id);
    // The registration really waited past the retention period and at least one sweep after it...
    expect(Date.parse(waited.started_at ?? '') - Date.parse(waited.created_at)).toBeGreaterThan(5000);
    // ...and still found its recording.
    expect(regJob.status, JSON.stringify(regJob.error)).toBe('succeeded');
    const waitingId = reg.speaker_id;
    expect((await speaker(s, waitingId)).status).toBe('ready');
    expect((await s.api.client.getJob(long.job_id)).status).toBe('canceled');
    // Once registered, its recording is swept like any other.
    const until = Date.now() + 10_000;
    while ((await speaker(s, waitingId)).reference.retained && Date.now() < until) await sleep(250);
    expect((await speaker(s, waitingId)).reference.retained).toBe(false);
    expect(await referenceFiles(s, waitingId)).toEqual([]);
  }, 90_000);
});

describe('retention_hours = 0', () => {
  it('deletes nothing, however often the sweep runs', async () => {
    const s = keep as Setup;
    const job = await synthesize(s, 'These files are kept until someone deletes them.');
    expect(job.result?.files_expire_at).toBeNull();
    // Longer than the 3.6 s the other server keeps files, with the sweep running every second.
    await sleep(5000);
    expect((await s.api.download(job.result?.audio_url ?? '')).status).toBe(200);
    expect((await s.api.download(job.result?.caption_url ?? '')).status).toBe(200);
    expect((await storedObjects(s.server.dataDir, `jobs/${job.id}`)).sort()).toEqual([
      'audio.wav',
      'captions.vtt',
    ]);
    expect(await referenceFiles(s, s.speakerId)).toHaveLength(1);
    expect((await speaker(s, s.speakerId)).reference.retained).toBe(true);
    expect(s.server.logs.some((l) => l.includes(CLEANUP_MSG))).toBe(false);
  });
});
