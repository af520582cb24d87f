import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, SynthesisResult } from '../../src/client/index.js';
import { Api } from '../helpers/api.js';
import { ffprobe, librivoxReference } from '../helpers/fixtures.js';
import { removeDir, startServer, type TestServer } from '../helpers/server.js';

/**
 * Durable jobs (SPEC, Operations): an accepted job is in SQLite before the 202, and after a crash or a
 * restart running jobs are retried or failed with a reason, never lost or left "running".
 *
 * One data dir is carried through a chain of real servers (each restart is the next scenario's
 * server) so the file stays well under a minute on two cores: kill -9 mid-job → retried; kill -9
 * with max_attempts = 1 → failed with a reason; SIGTERM with no grace → requeued and completed;
 * kill -9 right after a 202 → the job still exists and runs.
 */

function config(opts: { maxAttempts?: number; shutdownSeconds?: number } = {}): string {
  let text = `[engine]\nworkers = 1\n[jobs]\nconcurrency = 1\n`;
  if (opts.maxAttempts !== undefined) text += `max_attempts = ${opts.maxAttempts}\n`;
  if (opts.shutdownSeconds !== undefined)
    text += `[server]\nshutdown_timeout_seconds = ${opts.shutdownSeconds}\n`;
  return text;
}

const dataDir = mkdtempSync(join(tmpdir(), 'vr-durability-'));
const scratch = mkdtempSync(join(tmpdir(), 'vr-durability-out-'));
const adminKey = `vr_test_durability_${randomBytes(16).toString('hex')}`;
let server: TestServer | undefined;
let api: Api;
let speakerId: string;

async function restart(toml: string): Promise<void> {
  server = await startServer({ config: toml, dataDir, adminKey });
  api = new Api(server.url, adminKey);
}

/** ~30 lines of English: several seconds of rendering on one worker. */
function longScript(lines = 30) {
  return Array.from({ length: lines }, (_, i) => ({
    speaker_id: speakerId,
    text: `This is line number ${i + 1} of a rather long script, read slowly and clearly for the test.`,
  }));
}

async function submit(script: Array<{ speaker_id: string; text: string }>): Promise<string> {
  const { job_id } = await api.client.synthesize({ script, output_format: 'wav' });
  expect(api.lastStatus).toBe(202);
  return job_id;
}

async function getJob(id: string): Promise<Job> {
  const job = await api.client.getJob(id);
  expect(api.lastStatus).toBe(200);
  return job;
}

/** Polls until the job is running and has made progress (at least one line rendered). */
async function waitRunning(id: string, timeoutMs = 30_000): Promise<Job> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJob(id);
    if (job.status === 'running' && job.progress > 0) return job;
    if (job.status !== 'queued' && job.status !== 'running') {
      throw new Error(`job ${id} ended ${job.status} before it could be interrupted`);
    }
    if (Date.now() > until) throw new Error(`job ${id} never made progress`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

async function expectDownloadable(job: Job): Promise<void> {
  const result = job.result as SynthesisResult | undefined;
  expect(result?.audio_url).toMatch(/^\/v1\/files\//);
  const audio = await api.download(result?.audio_url ?? '');
  expect(audio.status).toBe(200);
  const file = join(scratch, `${job.id}.wav`);
  writeFileSync(file, audio.bytes);
  const probe = ffprobe(file);
  expect(probe.codec).toMatch(/^pcm_/);
  expect(probe.duration).toBeGreaterThan(0.5);
  expect(Math.abs(probe.duration - (result?.duration ?? 0))).toBeLessThan(0.05);
  const captions = await api.download(result?.caption_url ?? '');
  expect(captions.status).toBe(200);
  expect(captions.bytes.length).toBeGreaterThan(10);
}

beforeAll(async () => {
  await restart(config());
  const { file, script } = librivoxReference();
  speakerId = (await api.readySpeaker({ name: 'Narrator', lang: 'en', script, file }, 60_000)).speakerId;
});

afterAll(async () => {
  await server?.kill();
  removeDir(dataDir);
  removeDir(scratch);
});

describe('durable jobs across crashes and restarts', () => {
  it('retries a job interrupted by kill -9 and still runs the job queued behind it', async () => {
    const first = await submit(longScript());
    const second = await submit(longScript(3));
    const running = await waitRunning(first);
    expect(running.progress).toBeLessThan(1);
    expect((await getJob(second)).status).toBe('queued');

    const killedAt = Date.now();
    await server?.kill();
    expect(server?.proc.signalCode).toBe('SIGKILL');

    await restart(config());
    const logs = server?.logs ?? [];
    const recovered = logs
      .filter((l) => l.includes('recovered jobs interrupted by a restart'))
      .map((l) => JSON.parse(l) as { requeued: number; failed: number });
    expect(recovered).toEqual([expect.objectContaining({ requeued: 1, failed: 0 })]);

    const a = await api.client.waitForJob(first, { timeoutMs: 40_000 });
    const b = await api.client.waitForJob(second, { timeoutMs: 40_000 });
    expect(a.status, JSON.stringify(a.error)).toBe('succeeded');
    expect(b.status, JSON.stringify(b.error)).toBe('succeeded');
    // The first job ran again from the start on the new server.
    expect(Date.parse(a.started_at ?? '')).toBeGreaterThanOrEqual(killedAt - 1000);
    expect(a.progress).toBe(1);
    await expectDownloadable(a);
    await expectDownloadable(b);
  }, 90_000);

  it('fails an interrupted job with a reason once max_attempts is used up, never leaving it running', async () => {
    const job = await submit(longScript());
    await waitRunning(job);
    await server?.kill();

    await restart(config({ maxAttempts: 1, shutdownSeconds: 0 }));
    // Recovery runs before the server reports ready: the first look already sees the verdict.
    const seen = await getJob(job);
    expect(seen.status).toBe('failed');
    expect(seen.error?.code).toBe('INTERNAL_ERROR');
    expect(seen.error?.message).toMatch(/restart/i);
    expect(seen.finished_at).not.toBeNull();
    expect(seen.result).toBeUndefined();
    // And it stays failed: nothing picks it up again.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await getJob(job)).status).toBe('failed');
  }, 90_000);

  it('puts a running job back in the queue on SIGTERM and completes it after the restart', async () => {
    // The current server has shutdown_timeout_seconds = 0 and max_attempts = 1.
    const job = await submit(longScript());
    await waitRunning(job);
    const stoppedAt = Date.now();
    await server?.stop();
    expect(server?.proc.exitCode).toBe(0);
    expect(server?.logs.some((l) => l.includes('job returned to the queue by shutdown'))).toBe(true);

    // Still max_attempts = 1: a graceful requeue is not a crash, so the job is not failed.
    await restart(config({ maxAttempts: 1 }));
    expect(server?.logs.some((l) => l.includes('recovered jobs interrupted by a restart'))).toBe(false);
    const done = await api.client.waitForJob(job, { timeoutMs: 40_000 });
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(Date.parse(done.started_at ?? '')).toBeGreaterThanOrEqual(stoppedAt - 1000);
    await expectDownloadable(done);
  }, 90_000);

  it('keeps jobs accepted with 202 when the server is killed right after answering', async () => {
    const { file, script } = librivoxReference();
    const [reg, synth] = await Promise.all([
      api.registerSpeaker({ name: 'Second', lang: 'en', script, file }),
      api.json<{ job_id: string }>('POST', '/v1/synthesize', {
        script: [{ speaker_id: speakerId, text: 'Accepted means stored, even if the power goes out now.' }],
      }),
    ]);
    await server?.kill();
    expect(reg.status).toBe(202);
    expect(synth.status).toBe(202);

    await restart(config());
    for (const id of [reg.body.job_id as string, synth.body.job_id]) expect((await getJob(id)).id).toBe(id);
    const regJob = await api.client.waitForJob(reg.body.job_id as string, { timeoutMs: 40_000 });
    expect(regJob.status, JSON.stringify(regJob)).toBe('succeeded');
    const speaker = await api.client.getSpeaker(String(reg.body.speaker_id));
    expect(speaker.status).toBe('ready');
    const synthJob = await api.client.waitForJob(synth.body.job_id, { timeoutMs: 40_000 });
    expect(synthJob.status, JSON.stringify(synthJob.error)).toBe('succeeded');
    await expectDownloadable(synthJob);
  }, 90_000);
});
