import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from '../helpers/api.js';
import { librivoxReference } from '../helpers/fixtures.js';
import { removeDir, startServer, type TestServer } from '../helpers/server.js';
import { type DataDirFigures, inspectDataDir } from './datadir.js';
import { Ledger, mixedLoad, settleAccepted } from './load.js';
import { Rand } from './rand.js';

export interface CrashOptions {
  kills: number;
  seed: number;
  /** How long the last server life may take to finish every accepted job. */
  settleTimeoutMs: number;
  log: (line: string) => void;
}

export interface CrashReport {
  kills: Array<{ after_ms: number; accepted_total: number }>;
  accepted: number;
  client_deleted: number;
  terminal: Record<string, number>;
  /** Why the failed ones failed (code: message). */
  failures: Record<string, number>;
  lost: string[];
  unfinished: string[];
  /** Jobs whose completion was logged more than once over all the server lives. */
  completed_twice: string[];
  requests: Record<string, number>;
  data_dir: DataDirFigures;
  seconds: number;
  pass: boolean;
  fail_reasons: string[];
}

const CONFIG = '[engine]\nworkers = 1\n[jobs]\nconcurrency = 1\n';

/** Started servers share one data dir and one bootstrap key; a fresh port each life. */
export function serverLives(dataDir: string) {
  const adminKey = `vr_chaos_${randomBytes(16).toString('hex')}`;
  const logs: string[] = [];
  return {
    adminKey,
    logs,
    start: (config = CONFIG, opts: Parameters<typeof startServer>[0] = {}) =>
      startServer({ dataDir, adminKey, config, ...opts }),
    /** Keeps a life's log lines once it has ended. */
    ended: (server: TestServer) => logs.push(...server.logs),
  };
}

export async function registerBase(url: string, key: string): Promise<string> {
  const api = new Api(url, key);
  const reg = await api.registerSpeaker({ name: 'Chaos base', lang: 'en', ...librivoxReference() });
  if (reg.status !== 202) throw new Error(`base registration refused: ${JSON.stringify(reg.body)}`);
  const job = await api.waitJob(String(reg.body.job_id), 120_000);
  if (job.status !== 'succeeded') throw new Error(`base registration failed: ${JSON.stringify(job)}`);
  return String(reg.body.speaker_id);
}

/** kill -9 at random moments of mixed load, restarting on the same data dir each time. */
export async function runCrash(opts: CrashOptions): Promise<CrashReport> {
  const started = performance.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'vr-chaos-crash-'));
  const lives = serverLives(dataDir);
  const r = new Rand(opts.seed);
  const ledger = new Ledger();
  const kills: CrashReport['kills'] = [];
  let server: TestServer | undefined;
  try {
    server = await lives.start();
    const baseSpeaker = await registerBase(server.url, lives.adminKey);
    const reference = librivoxReference();
    for (let i = 0; i < opts.kills; i++) {
      if (i > 0) server = await lives.start();
      const stop = new AbortController();
      const load = mixedLoad(
        { url: server.url, key: lives.adminKey, reference, baseSpeaker, rand: r, ledger },
        stop.signal,
      );
      const after = r.int(300, 4000);
      await new Promise((res) => setTimeout(res, after));
      await server.kill();
      stop.abort();
      await load;
      lives.ended(server);
      kills.push({ after_ms: after, accepted_total: ledger.accepted.size });
      opts.log(
        `crash: kill ${i + 1}/${opts.kills} after ${after} ms (${ledger.accepted.size} accepted so far)`,
      );
    }
    server = await lives.start();
    const settled = await settleAccepted(server.url, lives.adminKey, ledger, opts.settleTimeoutMs);
    await server.stop();
    lives.ended(server);
    server = undefined;
    const report: CrashReport = {
      kills,
      accepted: ledger.accepted.size,
      client_deleted: ledger.deleted.size,
      ...settled,
      completed_twice: completedTwice(lives.logs),
      requests: ledger.outcomes,
      data_dir: inspectDataDir(dataDir, ledger.deleted),
      seconds: Math.round((performance.now() - started) / 100) / 10,
      pass: false,
      fail_reasons: [],
    };
    report.fail_reasons = [...acceptedFailReasons(report), ...dataDirFailReasons(report.data_dir)];
    if (report.completed_twice.length > 0)
      report.fail_reasons.push(`${report.completed_twice.length} jobs completed twice`);
    report.pass = report.fail_reasons.length === 0;
    return report;
  } finally {
    await server?.kill();
    removeDir(dataDir);
  }
}

/** "job succeeded" is logged once per completion; a job that ran twice to the end shows up twice. */
export function completedTwice(logs: string[]): string[] {
  const seen = new Map<string, number>();
  for (const line of logs) {
    if (!line.includes('"msg":"job succeeded"')) continue;
    const id = /"job_id":"([^"]+)"/.exec(line)?.[1];
    if (id) seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
}

export function acceptedFailReasons(r: { accepted: number; lost: string[]; unfinished: string[] }): string[] {
  const reasons: string[] = [];
  if (r.accepted === 0) reasons.push('no job was accepted: the load did not run');
  if (r.lost.length > 0) reasons.push(`${r.lost.length} accepted jobs are gone (404)`);
  if (r.unfinished.length > 0)
    reasons.push(`${r.unfinished.length} accepted jobs never reached a terminal state`);
  return reasons;
}

export function dataDirFailReasons(d: DataDirFigures): string[] {
  const reasons: string[] = [];
  if (d.integrity !== 'ok') reasons.push(`integrity_check: ${d.integrity}`);
  if (d.orphan_files.length > 0) reasons.push(`${d.orphan_files.length} orphan files`);
  if (d.missing_files.length > 0) reasons.push(`${d.missing_files.length} rows point at missing files`);
  if (d.succeeded_without_files.length > 0)
    reasons.push(`${d.succeeded_without_files.length} succeeded jobs lost their files`);
  if (!d.usage.equal) reasons.push('usage totals differ from the finished work');
  if (d.speaker_state_mismatches.length > 0)
    reasons.push(`${d.speaker_state_mismatches.length} speakers disagree with their registration job`);
  return reasons;
}
