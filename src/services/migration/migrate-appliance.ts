import type { Clock } from '../../lib/clock.js';
import type { Sql } from '../../store/sql/client.js';
import {
  openSnapshot,
  removeSnapshot,
  type SourceSnapshot,
  snapshotSource,
} from '../../store/transfer/source.js';
import { transferFiles } from './file-steps.js';
import { copyMasterSecret } from './master-secret.js';
import type { ObjectTarget } from './objects.js';
import { blankProgress, type Progress, ProgressNote } from './progress.js';
import { type MigrationReport, migrationReport } from './report.js';
import { checkedTables, copyTables, verifyTables } from './table-steps.js';

export interface MigrationInput {
  /** The source appliance's live SQLite file (it may be running) and its data dir. */
  sourceFile: string;
  sourceDataDir: string;
  /** The better-sqlite3 addon of the single executable (undefined: the package's own). */
  sqliteAddon?: string;
  /** The target's PostgreSQL database, already migrated to this version. */
  target: Sql;
  /** The target's data dir: the master secret goes there, and the work dir (snapshot, progress note). */
  targetDataDir: string;
  /** The target's object store, where the files go. */
  objects: ObjectTarget;
  batchSize: number;
  /** Only compare source and target; write nothing to the target. */
  verifyOnly: boolean;
  clock: Clock;
  /** Progress lines for the operator. */
  note: (line: string) => void;
}

/**
 * `voicereel migrate --to`: moves an SQLite appliance (running or stopped) into PostgreSQL and an
 * object store, from one consistent snapshot of its database, resumably, and verifies the result:
 * every table by row count and checksum on both sides, every file by size and SHA-256.
 */
export function migrateAppliance(input: MigrationInput): Promise<MigrationReport> {
  const work = new ProgressNote(input.targetDataDir);
  return input.verifyOnly ? verifyAppliance(input, work) : copyAppliance(input, work);
}

async function copyAppliance(input: MigrationInput, work: ProgressNote): Promise<MigrationReport> {
  const earlier = work.resumable(input.sourceFile);
  if (earlier) input.note(`resuming the copy of the snapshot taken at ${earlier.takenAt}`);
  const progress = earlier ?? (await freshSnapshot(input, work));
  const snap = openSnapshot(work.snapshotFile, input.sqliteAddon);
  let report: MigrationReport;
  try {
    report = await pass(input, snap, { copy: true, progress, save: () => work.save(progress) });
  } finally {
    snap.close();
  }
  // The pass reached its end, equal or not: the next run starts from a new snapshot and writes
  // whatever differs again.
  work.clear();
  return { ...report, resumed: earlier !== undefined };
}

async function freshSnapshot(input: MigrationInput, work: ProgressNote): Promise<Progress> {
  work.clear();
  const takenAt = new Date(input.clock.now()).toISOString();
  input.note(`taking a snapshot of ${input.sourceFile}`);
  await snapshotSource(input.sourceFile, work.snapshotFile, input.sqliteAddon);
  const progress = blankProgress(input.sourceFile, takenAt);
  work.save(progress);
  return progress;
}

/** Compares a snapshot of its own with the target; nothing is written to the target. */
async function verifyAppliance(input: MigrationInput, work: ProgressNote): Promise<MigrationReport> {
  const file = work.scratchFile('verify.db');
  removeSnapshot(file);
  const takenAt = new Date(input.clock.now()).toISOString();
  await snapshotSource(input.sourceFile, file, input.sqliteAddon);
  const snap = openSnapshot(file, input.sqliteAddon);
  try {
    const progress = blankProgress(input.sourceFile, takenAt);
    return await pass(input, snap, { copy: false, progress, save: () => undefined });
  } finally {
    snap.close();
    removeSnapshot(file);
  }
}

/** One pass over an open snapshot: the schemas checked, then (copying) tables, secret and files, then both sides compared. */
async function pass(
  input: MigrationInput,
  snap: SourceSnapshot,
  opts: { copy: boolean; progress: Progress; save: () => void },
): Promise<MigrationReport> {
  const { copy, progress, save } = opts;
  const { specs, schema } = await checkedTables(snap, input.target);
  // Before any row: a target holding another master secret is refused here.
  const secret = copyMasterSecret(input.sourceDataDir, input.targetDataDir, { copy });
  const tallies = copy ? await copyTables(snap.sql, input, specs, progress, save) : new Map();
  const files = await transferFiles(snap.sql, input, { copy, progress: progress.objects, save });
  const tables = await verifyTables(snap.sql, input, specs, tallies);
  return migrationReport({
    mode: copy ? 'copy' : 'verify',
    resumed: false,
    snapshot_taken_at: progress.takenAt,
    schema,
    master_secret: secret,
    tables,
    files,
  });
}
