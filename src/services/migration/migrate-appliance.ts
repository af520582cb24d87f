import type { Clock } from '../../lib/clock.js';
import type { Sql } from '../../store/sql/client.js';
import { openSnapshot, removeSnapshot, snapshotSource } from '../../store/transfer/source.js';
import { transferFiles } from './file-steps.js';
import { copyMasterSecret } from './master-secret.js';
import type { ObjectTarget } from './objects.js';
import { type Progress, ProgressNote } from './progress.js';
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
  const save = () => work.save(progress);
  const snap = openSnapshot(work.snapshotFile, input.sqliteAddon);
  let report: MigrationReport;
  try {
    const { specs, schema } = await checkedTables(snap, input.target);
    // Before any row: a target holding another master secret is refused here.
    const secret = copyMasterSecret(input.sourceDataDir, input.targetDataDir, { copy: true });
    const tallies = await copyTables(snap.sql, input, specs, progress, save);
    const files = await transferFiles(snap.sql, input, { copy: true, progress: progress.objects, save });
    const tables = await verifyTables(snap.sql, input, specs, tallies);
    report = migrationReport({
      mode: 'copy',
      resumed: earlier !== undefined,
      snapshot_taken_at: progress.takenAt,
      schema,
      master_secret: secret,
      tables,
      files,
    });
  } finally {
    snap.close();
  }
  // The pass reached its end, equal or not: the next run starts from a new snapshot and writes
  // whatever differs again.
  work.clear();
  return report;
}

async function freshSnapshot(input: MigrationInput, work: ProgressNote): Promise<Progress> {
  work.clear();
  const takenAt = new Date(input.clock.now()).toISOString();
  input.note(`taking a snapshot of ${input.sourceFile}`);
  await snapshotSource(input.sourceFile, work.snapshotFile, input.sqliteAddon);
  return work.fresh(input.sourceFile, takenAt);
}

async function verifyAppliance(input: MigrationInput, work: ProgressNote): Promise<MigrationReport> {
  const secret = copyMasterSecret(input.sourceDataDir, input.targetDataDir, { copy: false });
  const file = work.scratchFile('verify.db');
  removeSnapshot(file);
  const takenAt = new Date(input.clock.now()).toISOString();
  await snapshotSource(input.sourceFile, file, input.sqliteAddon);
  const snap = openSnapshot(file, input.sqliteAddon);
  try {
    const { specs, schema } = await checkedTables(snap, input.target);
    const progress = { after: null, missingAtSource: [], mismatched: [] };
    const files = await transferFiles(snap.sql, input, { copy: false, progress, save: () => undefined });
    const tables = await verifyTables(snap.sql, input, specs, new Map());
    return migrationReport({
      mode: 'verify',
      resumed: false,
      snapshot_taken_at: takenAt,
      schema,
      master_secret: secret,
      tables,
      files,
    });
  } finally {
    snap.close();
    removeSnapshot(file);
  }
}
