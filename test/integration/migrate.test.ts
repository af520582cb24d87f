import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SynthesisResult, type UsageReport, VoiceReelClient } from '../../src/client/index.js';
import type { MigrationReport } from '../../src/services/migration/report.js';
import { Api } from '../helpers/api.js';
import { cleanEnv, cli } from '../helpers/cli.js';
import { ffprobe, librivoxReference } from '../helpers/fixtures.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { BUNDLE, removeDir, startServer, type TestServer } from '../helpers/server.js';

/**
 * `voicereel migrate --to`: a populated appliance (keys, a registered LibriVox speaker, a lexicon, a
 * synthesized job with its files, usage, signed requests) moves, while it runs, into a real
 * PostgreSQL and a new data dir; a node started there serves the same keys, jobs, files, voices and
 * usage. An interrupted copy resumes; a tampered row or file is found by verification.
 */
const scratch = mkdtempSync(join(tmpdir(), 'vr-migrate-'));
const QUICK = '[engine]\nworkers = 1\n[jobs]\nconcurrency = 1\n';
let postgres: TestPostgres;
let source: TestServer;
let tenantKey: { id: string; key: string };
let speakerId: string;
let lexiconId: string;
let jobId: string;
let sourceFiles: { audio: Uint8Array; captions: Uint8Array };
let sourceUsage: UsageReport;

/** A target: a fresh database and data dir, and the config file naming both. */
async function newTarget(
  name: string,
): Promise<{ url: string; dataDir: string; toml: string; file: string }> {
  const url = await postgres.database();
  const dataDir = join(scratch, name);
  const toml = `[database]\nurl = "${url}"\n${QUICK}`;
  const file = join(scratch, `${name}.toml`);
  writeFileSync(file, `${toml}[storage]\ndata_dir = "${dataDir}"\n`);
  return { url, dataDir, toml, file };
}

async function migrate(to: string, ...extra: string[]) {
  const res = await cli(['migrate', '--data-dir', source.dataDir, '--to', to, ...extra]);
  const report = (res.stdout ? JSON.parse(res.stdout) : undefined) as MigrationReport | undefined;
  return { ...res, report };
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const table = (report: MigrationReport | undefined, name: string) =>
  report?.tables.find((t) => t.table === name);

beforeAll(async () => {
  postgres = await startPostgres();
  source = await startServer({ config: QUICK });
  const admin = new Api(source.url, source.adminKey);
  tenantKey = await admin.client.createKey({ name: 'tenant', project: 'acme' });
  const tenant = new Api(source.url, tenantKey.key);
  // Keys enough that a copy one row per transaction is still under way when it is killed.
  for (let i = 0; i < 40; i++) await admin.client.createKey({ name: `bulk ${i}`, project: 'bulk' });
  const signed = new VoiceReelClient({ url: source.url, apiKey: tenantKey.key, keyId: tenantKey.id });

  const { file, script } = librivoxReference();
  ({ speakerId } = await tenant.readySpeaker({ name: 'Narrator', lang: 'en', script, file }));
  const lexicon = await signed.createLexicon({
    name: 'Brand',
    lang: 'en',
    entries: [{ grapheme: 'VoiceReel', alias: 'Voice Reel', case_sensitive: false }],
  });
  lexiconId = lexicon.id;
  const { job_id } = await tenant.client.synthesize({
    script: [{ speaker_id: speakerId, text: 'VoiceReel moves to a bigger house today.' }],
    lexicons: [lexiconId],
    output_format: 'wav',
    caption_format: 'vtt',
  });
  jobId = job_id;
  const job = await tenant.waitJob(jobId, 60_000);
  expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
  const result = job.result as SynthesisResult;
  sourceFiles = {
    audio: (await tenant.download(result.audio_url ?? '')).bytes,
    captions: (await tenant.download(result.caption_url ?? '')).bytes,
  };
  // Read last: the report flushes the request counts, so the database holds these totals.
  sourceUsage = await admin.client.usage();
}, 180_000);

afterAll(async () => {
  await source?.kill();
  await postgres?.stop();
  removeDir(scratch);
});

describe('voicereel migrate --to', () => {
  it('moves a running appliance: keys, jobs and files, voices and usage work on the target', async () => {
    const target = await newTarget('moved');
    const run = await migrate(target.file);
    expect(run.code, run.stderr).toBe(0);
    const report = run.report as MigrationReport;
    expect(report.ok).toBe(true);
    expect(report.master_secret).toBe('copied');
    expect(report.files).toMatchObject({ named: 3, copied: 3, mismatched: [], missing_on_target: [] });
    for (const t of report.tables) expect(t.target_rows, t.table).toBe(t.source_rows);
    expect(table(report, 'job_events')?.source_rows).toBeGreaterThan(4);
    expect(table(report, 'seen_signatures')?.source_rows).toBeGreaterThan(0);
    await source.stop();

    // No VR_API_KEY: the node keeps the bootstrap key it finds, which only matches with the same pepper.
    const node = await startServer({ dataDir: target.dataDir, config: target.toml, env: { VR_API_KEY: '' } });
    try {
      expect(node.logs.some((l) => l.includes('bootstrap admin key registered'))).toBe(false);
      const admin = new Api(node.url, source.adminKey);
      const tenant = new Api(node.url, tenantKey.key);
      const usage = await admin.client.usage();
      expect(usage.total.characters).toBe(sourceUsage.total.characters);
      expect(usage.total.registrations).toBe(sourceUsage.total.registrations);
      expect(usage.total.synthesized_seconds).toBeCloseTo(sourceUsage.total.synthesized_seconds, 6);
      // The first request to the node, this report's own, is the one more.
      expect(usage.total.requests).toBe(sourceUsage.total.requests + 1);

      const job = await admin.client.getJob(jobId);
      expect(job.status).toBe('succeeded');
      const result = job.result as SynthesisResult;
      expect((await tenant.download(result.audio_url ?? '')).bytes).toEqual(sourceFiles.audio);
      expect((await tenant.download(result.caption_url ?? '')).bytes).toEqual(sourceFiles.captions);
      // A signed request: the key is unsealed with the moved master secret.
      const signed = new VoiceReelClient({ url: node.url, apiKey: tenantKey.key, keyId: tenantKey.id });
      expect((await signed.getLexicon(lexiconId)).entry_count).toBe(1);

      const moved = await tenant.client.synthesize({
        script: [{ speaker_id: speakerId, text: 'The moved voice still speaks on PostgreSQL.' }],
        output_format: 'wav',
      });
      const done = await tenant.waitJob(moved.job_id, 60_000);
      expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
      const out = join(scratch, 'moved.wav');
      await tenant.client.downloadToFile((done.result as SynthesisResult).audio_url ?? '', out);
      expect(ffprobe(out).duration).toBeGreaterThan(1);
      // The copied events kept their ids; the target's own numbering continues after them.
      const ids = await query<{ id: string; job_id: string }>(
        target.url,
        'SELECT id, job_id FROM job_events ORDER BY id',
      );
      const firstNew = ids.findIndex((r) => r.job_id === moved.job_id);
      expect(Number(ids[firstNew]?.id)).toBeGreaterThan(Number(ids[firstNew - 1]?.id));
    } finally {
      await node.stop();
    }
  }, 240_000);

  it('resumes a copy killed midway, from its progress note, without duplicating a row', async () => {
    const target = await newTarget('resumed');
    const child = spawn(
      process.execPath,
      [BUNDLE, 'migrate', '--data-dir', source.dataDir, '--to', target.file, '--batch-size', '1'],
      { env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let errText = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      errText += chunk;
      if (errText.includes('api_keys: 3 rows read')) child.kill('SIGKILL');
    });
    const signal = await new Promise((r) => child.once('exit', (_code, sig) => r(sig)));
    expect(signal, errText).toBe('SIGKILL');
    expect(existsSync(join(target.dataDir, 'migrate', 'progress.json'))).toBe(true);
    const partial = await query<{ n: string }>(target.url, 'SELECT COUNT(*) AS n FROM api_keys');
    expect(Number(partial[0]?.n)).toBeLessThan(42);

    const run = await migrate(target.file, '--batch-size', '7');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('resuming the copy of the snapshot taken at');
    const report = run.report as MigrationReport;
    expect(report).toMatchObject({ ok: true, resumed: true });
    const keys = table(report, 'api_keys');
    expect(keys?.source_rows).toBe(42);
    expect(keys?.read).toBeLessThan(42);
    for (const t of report.tables) expect(t.target_rows, t.table).toBe(t.source_rows);
    // Copied jobs fired none of their triggers: each event is the source's own, once.
    const events = await query<{ n: string; d: string }>(
      target.url,
      "SELECT COUNT(*) AS n, COUNT(DISTINCT (job_id, type, created_at)) AS d FROM job_events WHERE type <> 'progress'",
    );
    expect(events[0]?.n).toBe(events[0]?.d);
    expect(existsSync(join(target.dataDir, 'migrate', 'progress.json'))).toBe(false);
  }, 120_000);

  it('finds a tampered row and file, exits 1 naming them, and a new pass puts them right', async () => {
    const target = await newTarget('tampered');
    expect((await migrate(target.file)).code).toBe(0);
    await query(target.url, 'UPDATE usage SET characters = characters + 7 WHERE key_id = $1', [tenantKey.id]);
    const audio = join(target.dataDir, 'jobs', jobId, 'audio.wav');
    const bytes = readFileSync(audio);
    bytes.writeUInt8((bytes.at(-1) ?? 0) ^ 0xff, bytes.length - 1);
    writeFileSync(audio, bytes);

    const check = await migrate(target.file, '--verify-only');
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('source and target differ');
    const usage = table(check.report, 'usage');
    expect(usage?.ok).toBe(false);
    expect(usage?.source_checksum).not.toBe(usage?.target_checksum);
    expect(usage?.differences).toEqual([{ key: [tenantKey.id, expect.any(String)], problem: 'differs' }]);
    expect(check.report?.files.mismatched).toEqual([`jobs/${jobId}/audio.wav`]);
    expect(check.report?.tables.filter((t) => !t.ok).map((t) => t.table)).toEqual(['usage']);

    const again = await migrate(target.file);
    expect(again.code, again.stderr).toBe(0);
    expect(table(again.report, 'usage')?.written).toBe(1);
    expect(again.report?.files.copied).toBe(1);
  }, 120_000);

  it('refuses a target whose schema a newer version migrated, or that names no PostgreSQL, copying nothing', async () => {
    const target = await newTarget('newer');
    await query(
      target.url,
      'CREATE TABLE schema_migrations (id TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    await query(target.url, "INSERT INTO schema_migrations VALUES ('2099-01-01-future', 0)");
    const run = await migrate(target.file);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("the target database's schema differs from the source's");
    expect(run.stderr).toContain('only the target has 2099-01-01-future');
    expect(await query(target.url, 'SELECT id FROM api_keys')).toEqual([]);
    expect(existsSync(join(target.dataDir, 'master.key'))).toBe(false);

    const sqliteTarget = join(scratch, 'sqlite.toml');
    writeFileSync(sqliteTarget, `[storage]\ndata_dir = "${join(scratch, 'sqlite')}"\n`);
    const none = await migrate(sqliteTarget);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`the target (${sqliteTarget}) names no PostgreSQL database`);
  }, 60_000);

  it('moves a job the source was running when it died; the first node on the target runs it', async () => {
    const again = await startServer({ dataDir: source.dataDir, adminKey: source.adminKey, config: QUICK });
    const tenant = new Api(again.url, tenantKey.key);
    const script = Array.from({ length: 25 }, (_, i) => ({
      voice: 'builtin-en',
      text: `Line ${i + 1} of a script long enough to be running when the appliance dies.`,
    }));
    const { job_id } = await tenant.client.synthesize({ script, output_format: 'wav' });
    for (let until = Date.now() + 30_000; ;) {
      const job = await tenant.client.getJob(job_id);
      if (job.status === 'running') break;
      if (Date.now() > until || job.status !== 'queued')
        throw new Error(`job never seen running: ${job.status}`);
      await new Promise((r) => setTimeout(r, 40));
    }
    await again.kill();

    const target = await newTarget('running');
    const run = await migrate(target.file);
    expect(run.code, run.stderr).toBe(0);
    const node = await startServer({ dataDir: target.dataDir, config: target.toml, env: { VR_API_KEY: '' } });
    try {
      const done = await new Api(node.url, tenantKey.key).waitJob(job_id, 90_000);
      expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
      expect(node.logs.some((l) => l.includes('recovered jobs interrupted by a restart'))).toBe(true);
    } finally {
      await node.stop();
    }
  }, 180_000);
});
