import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { walk } from './fsutil.js';

/**
 * What a stopped server left on disk, read independently of the server's code: SQLite's own
 * integrity check, files without rows and rows without files, and usage totals against the work
 * the jobs table says was finished.
 */
export interface DataDirFigures {
  integrity: string;
  jobs: Record<string, number>;
  /** Files under the data dir that nothing in the database points at (temp files included). */
  orphan_files: string[];
  /** Rows (job files, speaker references) whose file is missing. */
  missing_files: string[];
  /** Succeeded synthesis jobs with no file rows although the client never deleted them. */
  succeeded_without_files: string[];
  usage: {
    characters: number;
    characters_of_succeeded_jobs: number;
    seconds: number;
    seconds_of_succeeded_jobs: number;
    registrations: number;
    registration_jobs: number;
    equal: boolean;
  };
  /** Speakers whose status disagrees with their registration job (e.g. ready while the job was canceled). */
  speaker_state_mismatches: Array<{ speaker: string; status: string; job: string }>;
}

/** Paths a healthy data dir holds besides job files and references. */
const KNOWN = [
  /^voicereel\.db(-wal|-shm)?$/,
  /^master\.key$/,
  /^space-reserve$/,
  /^backups\//,
  /^reports\//,
  /^models\//,
  /^test\.toml$/,
];

interface JobRow {
  id: string;
  type: string;
  status: string;
  payload_json: string;
  result_json: string | null;
}

export function inspectDataDir(
  dataDir: string,
  clientDeletedJobs: ReadonlySet<string> = new Set(),
): DataDirFigures {
  const db = new Database(join(dataDir, 'voicereel.db'), { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check') as Array<{ integrity_check: string }>)
      .map((r) => r.integrity_check)
      .join('; ');
    const jobs = db.prepare('SELECT id, type, status, payload_json, result_json FROM jobs').all() as JobRow[];
    const fileRows = db.prepare('SELECT job_id, rel_path FROM files').all() as Array<{
      job_id: string;
      rel_path: string;
    }>;
    const speakers = db.prepare('SELECT id, status, reference_file FROM speakers').all() as Array<{
      id: string;
      status: string;
      reference_file: string | null;
    }>;
    const known = new Set([
      ...fileRows.map((f) => f.rel_path),
      ...speakers.flatMap((s) => (s.reference_file ? [s.reference_file] : [])),
    ]);
    const onDisk = walk(dataDir).map((p) => relative(dataDir, p));
    const orphan_files = onDisk.filter((p) => !known.has(p) && !KNOWN.some((re) => re.test(p)));
    const missing_files = [...known].filter((p) => !existsSync(join(dataDir, p)));
    const withFiles = new Set(fileRows.map((f) => f.job_id));
    const succeeded_without_files = jobs
      .filter(
        (j) =>
          j.type === 'synthesize' &&
          j.status === 'succeeded' &&
          !withFiles.has(j.id) &&
          !clientDeletedJobs.has(j.id),
      )
      .map((j) => j.id);
    return {
      integrity,
      jobs: countBy(jobs, (j) => `${j.type}:${j.status}`),
      orphan_files,
      missing_files,
      succeeded_without_files,
      usage: usageAgainstWork(db, jobs),
      speaker_state_mismatches: speakerMismatches(jobs, speakers),
    };
  } finally {
    db.close();
  }
}

/** Usage rows must add up to exactly the finished work: nothing counted twice, nothing lost. */
function usageAgainstWork(db: Database.Database, jobs: JobRow[]): DataDirFigures['usage'] {
  const u = db
    .prepare(
      'SELECT COALESCE(SUM(characters),0) c, COALESCE(SUM(synthesized_seconds),0) s, COALESCE(SUM(registrations),0) r FROM usage',
    )
    .get() as { c: number; s: number; r: number };
  const done = jobs.filter((j) => j.type === 'synthesize' && j.status === 'succeeded');
  const chars = done.reduce(
    (n, j) => n + Number((JSON.parse(j.payload_json) as { characters: number }).characters),
    0,
  );
  const secs = done.reduce(
    (n, j) => n + Number((JSON.parse(j.result_json ?? '{}') as { duration?: number }).duration ?? 0),
    0,
  );
  const registrationJobs = jobs.filter((j) => j.type === 'register_speaker').length;
  // Job results round durations to 1 ms; usage keeps the exact figure.
  const secondsEqual = Math.abs(u.s - secs) <= 0.0005 * done.length + 1e-6;
  return {
    characters: u.c,
    characters_of_succeeded_jobs: chars,
    seconds: round3(u.s),
    seconds_of_succeeded_jobs: round3(secs),
    registrations: u.r,
    registration_jobs: registrationJobs,
    equal: u.c === chars && secondsEqual && u.r === registrationJobs,
  };
}

function speakerMismatches(
  jobs: JobRow[],
  speakers: Array<{ id: string; status: string }>,
): DataDirFigures['speaker_state_mismatches'] {
  // Succeeded means ready and failed means failed; a canceled registration must not leave a voice
  // that is ready (or pending forever).
  const agrees: Record<string, (status: string) => boolean> = {
    succeeded: (st) => st === 'ready',
    failed: (st) => st === 'failed',
    canceled: (st) => st !== 'ready' && st !== 'pending',
  };
  const out: DataDirFigures['speaker_state_mismatches'] = [];
  const byId = new Map(speakers.map((s) => [s.id, s]));
  for (const j of jobs.filter((j) => j.type === 'register_speaker')) {
    const s = byId.get((JSON.parse(j.payload_json) as { speaker_id: string }).speaker_id);
    const ok = agrees[j.status];
    // A deleted speaker has no row left to disagree; a job still active has no verdict yet.
    if (!s || !ok) continue;
    if (!ok(s.status)) out.push({ speaker: s.id, status: s.status, job: `${j.id}:${j.status}` });
  }
  return out;
}

function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
