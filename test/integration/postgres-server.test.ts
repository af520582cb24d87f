import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, SynthesisResult } from '../../src/client/index.js';
import { Api } from '../helpers/api.js';
import { cli } from '../helpers/cli.js';
import { ffprobe, librivoxReference } from '../helpers/fixtures.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { removeDir, startServer, type TestServer, waitReady } from '../helpers/server.js';

/**
 * The real server with `[database] url` on a real PostgreSQL: registration, synthesis, downloads,
 * events and usage work as on SQLite, the SQLite file is never created, and an accepted job survives
 * kill -9 and a restart.
 */
let pgServer: TestPostgres;
let url: string;
const dataDir = mkdtempSync(join(tmpdir(), 'vr-pg-node-'));
const scratch = mkdtempSync(join(tmpdir(), 'vr-pg-out-'));
const adminKey = `vr_test_pg_${randomBytes(16).toString('hex')}`;
let server: TestServer | undefined;
let api: Api;

const toml = () =>
  `[database]\nurl = "${url}"\npool_size = 4\n[engine]\nworkers = 1\n[jobs]\nconcurrency = 1\n`;

async function restart(): Promise<void> {
  server = await startServer({ config: toml(), dataDir, adminKey, waitReady: false });
  api = new Api(server.url, adminKey);
  await waitReady(server.url).catch((err: Error) => {
    throw new Error(`${err.message}:\n${server?.logs.join('\n')}`);
  });
}

beforeAll(async () => {
  pgServer = await startPostgres();
  url = await pgServer.database();
  await restart();
}, 90_000);

afterAll(async () => {
  await server?.kill();
  await pgServer?.stop();
  removeDir(dataDir);
  removeDir(scratch);
});

async function expectWav(job: Job): Promise<void> {
  const result = job.result as SynthesisResult;
  const audio = await api.download(result.audio_url ?? '');
  expect(audio.status).toBe(200);
  const file = join(scratch, `${job.id}.wav`);
  writeFileSync(file, audio.bytes);
  expect(Math.abs(ffprobe(file).duration - result.duration)).toBeLessThan(0.05);
}

describe('a node on PostgreSQL', () => {
  it('registers, synthesizes and serves the files, keeping rows in PostgreSQL and no SQLite file', async () => {
    const { file, script } = librivoxReference();
    const { speakerId } = await api.readySpeaker({ name: 'Narrator', lang: 'en', script, file }, 60_000);
    const { job_id } = await api.client.synthesize({
      script: [
        { speaker_id: speakerId, text: 'Hello from a node that keeps its state in PostgreSQL.' },
        { voice: 'builtin-ko', text: '회의는 3시 30분입니다.' },
      ],
      output_format: 'wav',
    });
    const job = await api.client.waitForJob(job_id, { timeoutMs: 60_000 });
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    await expectWav(job);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const events = await client.query<{ type: string }>(
        'SELECT type FROM job_events WHERE job_id = $1 ORDER BY id',
        [job_id],
      );
      expect(events.rows[0]?.type).toBe('queued');
      expect(events.rows.at(-1)?.type).toBe('succeeded');
      const usage = await client.query<{ characters: string; registrations: string }>(
        'SELECT SUM(characters) AS characters, SUM(registrations) AS registrations FROM usage',
      );
      expect(Number(usage.rows[0]?.registrations)).toBe(1);
      const report = await api.client.usage();
      expect(report.total.characters).toBeGreaterThan(40);
      expect(Number(usage.rows[0]?.characters)).toBe(report.total.characters);
    } finally {
      await client.end();
    }
    expect(existsSync(join(dataDir, 'voicereel.db'))).toBe(false);
  }, 120_000);

  it('keeps an accepted job through kill -9 and a restart, and runs it to the end', async () => {
    const script = Array.from({ length: 25 }, (_, i) => ({
      voice: 'builtin-en',
      text: `Line ${i + 1} of a script long enough to be interrupted while it is being read.`,
    }));
    const { job_id } = await api.client.synthesize({ script, output_format: 'wav' });
    for (let until = Date.now() + 30_000; ;) {
      const job = await api.client.getJob(job_id);
      if (job.status === 'running' && job.progress > 0) break;
      if (Date.now() > until || (job.status !== 'queued' && job.status !== 'running')) {
        throw new Error(`job never seen running: ${job.status}`);
      }
      await new Promise((r) => setTimeout(r, 40));
    }
    await server?.kill();
    expect(server?.proc.signalCode).toBe('SIGKILL');
    await restart();
    expect(server?.logs.some((l) => l.includes('recovered jobs interrupted by a restart'))).toBe(true);
    const done = await api.client.waitForJob(job_id, { timeoutMs: 60_000 });
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    await expectWav(done);
  }, 150_000);

  it('is checked by voicereel doctor: the database answers and is up to date, and a wrong URL fails naming why', async () => {
    const good = join(scratch, 'doctor.toml');
    writeFileSync(good, toml());
    const res = await cli(['doctor', '--json', '--config', good, '--data-dir', dataDir]);
    const checks = (
      JSON.parse(res.stdout) as { checks: Array<{ id: string; status: string; message: string }> }
    ).checks;
    const db = checks.find((c) => c.id === 'database');
    expect(db?.status, db?.message).toBe('ok');
    expect(db?.message).toMatch(/PostgreSQL \d+.*up to date/);

    const badToml = join(scratch, 'doctor-bad.toml');
    writeFileSync(badToml, toml().replace(/127\.0\.0\.1:\d+/, '127.0.0.1:1'));
    const failed = await cli(['doctor', '--json', '--config', badToml, '--data-dir', dataDir]);
    expect(failed.code).not.toBe(0);
    const bad = (
      JSON.parse(failed.stdout) as { checks: Array<{ id: string; status: string; message: string }> }
    ).checks.find((c) => c.id === 'database');
    expect(bad?.status).toBe('fail');
    expect(bad?.message).toMatch(/cannot be reached/);
  }, 60_000);

  it('answers 503 and leaves the rotation while PostgreSQL is down, and recovers by itself', async () => {
    const ready = async () => (await fetch(`${server?.url}/readyz`)).status;
    expect(await ready()).toBe(200);
    pgServer.halt();
    try {
      const res = await fetch(`${server?.url}/v1/jobs`, { headers: { 'X-VR-APIKEY': adminKey } });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBeTruthy();
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('UNAVAILABLE');
      expect(body.error.message).toMatch(/database/);
      expect(body.error.message).not.toMatch(/ECONN|57P|terminat/);
      for (const until = Date.now() + 10_000; (await ready()) !== 503;) {
        if (Date.now() > until) throw new Error('/readyz kept answering 200 with the database down');
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      pgServer.resume();
    }
    for (const until = Date.now() + 15_000; (await ready()) !== 200;) {
      if (Date.now() > until) throw new Error('/readyz never came back');
      await new Promise((r) => setTimeout(r, 200));
    }
    const again = await fetch(`${server?.url}/v1/jobs`, { headers: { 'X-VR-APIKEY': adminKey } });
    expect(again.status).toBe(200);
  }, 60_000);
});
