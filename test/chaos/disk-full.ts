import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Api } from '../helpers/api.js';
import { librivoxReference } from '../helpers/fixtures.js';
import { BUNDLE, type TestServer } from '../helpers/server.js';
import { dataDirFailReasons, registerBase, serverLives } from './crash.js';
import type { DataDirFigures } from './datadir.js';
import { fill, mountSmallFs, smallFsUnavailable } from './smallfs.js';

export interface DiskFullReport {
  skipped?: string;
  fs_mib: number;
  free_before_job_kib: number;
  full_job: { status: string; error?: { code: string; message: string } };
  /** What the server answered while the disk was full. */
  while_full: Record<string, string>;
  after_freeing: { synthesis: string; registration: string };
  data_dir?: DataDirFigures;
  pass: boolean;
  fail_reasons: string[];
}

const FS_MIB = 24;
/** Room left for a job whose audio needs far more: the write of the result runs out of space. */
const LEAVE_BYTES = 256 * 1024;

/** Long enough that its WAV (~1.5 MB) cannot fit in what is left. */
const LONG_SCRIPT = (speaker: string) =>
  Array.from({ length: 10 }, (_, i) => ({
    speaker_id: speaker,
    text: `Line ${i + 1}: the disk is nearly full, and this sentence makes the result larger than what is left.`,
  }));

/** The data dir on a small filesystem that fills up during a job. */
export async function runDiskFull(log: (line: string) => void): Promise<DiskFullReport> {
  const report: DiskFullReport = {
    fs_mib: FS_MIB,
    free_before_job_kib: 0,
    full_job: { status: 'not run' },
    while_full: {},
    after_freeing: { synthesis: 'not run', registration: 'not run' },
    pass: false,
    fail_reasons: [],
  };
  const unavailable = smallFsUnavailable();
  if (unavailable) return { ...report, skipped: unavailable, pass: true };
  const fs = await mountSmallFs(FS_MIB);
  const dataDir = join(fs.root, 'data');
  mkdirSync(dataDir);
  const lives = serverLives(dataDir);
  let server: TestServer | undefined;
  try {
    server = await lives.start(undefined, { command: [...fs.enter, process.execPath, BUNDLE] });
    const api = new Api(server.url, lives.adminKey);
    const speaker = await registerBase(server.url, lives.adminKey);
    const filler = join(fs.root, 'filler');
    fill(filler, fs, LEAVE_BYTES);
    report.free_before_job_kib = Math.round(fs.freeBytes() / 1024);
    log(`disk-full: ${report.free_before_job_kib} KiB left, submitting a job that needs more`);

    const sub = await api.json<{ job_id: string }>('POST', '/v1/synthesize', {
      script: LONG_SCRIPT(speaker),
    });
    report.while_full['POST /v1/synthesize'] = answer(sub.status, sub.body);
    if (sub.status === 202) {
      const job = (await api.waitJob(sub.body.job_id, 120_000)) as DiskFullReport['full_job'];
      report.full_job = { status: job.status, error: job.error };
    }
    await probeWhileFull(api, report);

    rmSync(filler);
    log(`disk-full: filler removed, ${Math.round(fs.freeBytes() / 1024)} KiB free`);
    const again = await api.json<{ job_id: string }>('POST', '/v1/synthesize', {
      script: LONG_SCRIPT(speaker),
    });
    report.after_freeing.synthesis =
      again.status === 202
        ? String((await api.waitJob(again.body.job_id, 120_000)).status)
        : answer(again.status, again.body);
    const reg = await api.registerSpeaker({
      name: 'After the disk was freed',
      lang: 'en',
      ...librivoxReference(),
    });
    report.after_freeing.registration =
      reg.status === 202
        ? String((await api.waitJob(String(reg.body.job_id), 120_000)).status)
        : answer(reg.status, reg.body);

    await server.stop();
    server = undefined;
    report.data_dir = inspectInside(fs.enter, join(fs.inside, 'data'));
    report.fail_reasons = diskFullFailReasons(report);
    report.pass = report.fail_reasons.length === 0;
    return report;
  } finally {
    await server?.kill();
    fs.close();
  }
}

/** The server must go on answering (reads, health, and clean refusals of new work). */
async function probeWhileFull(api: Api, report: DiskFullReport): Promise<void> {
  const health = await fetch(`${api.url}/healthz`).catch(() => undefined);
  report.while_full['GET /healthz'] = String(health?.status ?? 'no answer');
  const list = await api.json('GET', '/v1/speakers');
  report.while_full['GET /v1/speakers'] = answer(list.status, list.body);
  const reg = await api
    .registerSpeaker({ name: 'While full', lang: 'en', ...librivoxReference() })
    .catch(() => undefined);
  report.while_full['POST /v1/speakers'] = reg ? answer(reg.status, reg.body) : 'no answer';
  if (reg?.status === 202) {
    const job = await api.waitJob(String(reg.body.job_id), 120_000);
    const error = job.error as { code: string; message: string } | undefined;
    report.while_full['registration job'] =
      `${String(job.status)}${error ? ` ${error.code}: ${error.message}` : ''}`;
  }
}

function inspectInside(enter: string[], dataDir: string): DataDirFigures {
  const [program, ...args] = [
    ...enter,
    process.execPath,
    '--import',
    'tsx',
    'test/chaos/inspect-cli.ts',
    dataDir,
  ];
  const out = execFileSync(program!, args, { encoding: 'utf8' });
  return JSON.parse(out) as DataDirFigures;
}

function answer(status: number, body: unknown): string {
  const e = (body as { error?: { code: string; message: string } } | undefined)?.error;
  return e ? `${status} ${e.code}: ${e.message}` : String(status);
}

const LEAK = /ENOSPC|SQLITE|\/proc\/|\/tmp\/|errno|Internal error/i;

function diskFullFailReasons(r: DiskFullReport): string[] {
  const reasons: string[] = [];
  const err = r.full_job.error;
  if (r.full_job.status !== 'failed')
    reasons.push(`the job on a full disk ended ${r.full_job.status}, not failed`);
  else if (!err || !/space|disk|storage/i.test(err.message) || LEAK.test(err.message))
    reasons.push(`the job failed without a clear, clean reason: ${JSON.stringify(err)}`);
  if (r.while_full['GET /healthz'] !== '200')
    reasons.push('/healthz did not answer 200 while the disk was full');
  if (!r.while_full['GET /v1/speakers']?.startsWith('200'))
    reasons.push('reads failed while the disk was full');
  // Refused as the server's condition (503, saying why), never blamed on the client's audio or form.
  const upload = r.while_full['POST /v1/speakers'] ?? '';
  if (
    !/^503 UNAVAILABLE: .*(space|disk|storage)/i.test(upload) ||
    LEAK.test(upload.replace(/^\d+ \w+: /, ''))
  )
    reasons.push(`an upload on a full disk was not refused cleanly: ${upload}`);
  if (r.after_freeing.synthesis !== 'succeeded')
    reasons.push(`synthesis after freeing space: ${r.after_freeing.synthesis}`);
  if (r.after_freeing.registration !== 'succeeded')
    reasons.push(`registration after freeing space: ${r.after_freeing.registration}`);
  if (r.data_dir) reasons.push(...dataDirFailReasons(r.data_dir));
  return reasons;
}
