import { pgMigrationStatus } from '../../store/postgres/migrate.js';
import type { Sql } from '../../store/sql/client.js';
import { copyTable, pruneTable } from '../../store/transfer/copy.js';
import { countRows, resetSequences } from '../../store/transfer/rows.js';
import type { SourceSnapshot } from '../../store/transfer/source.js';
import { type TableSpec, tableSpecs } from '../../store/transfer/tables.js';
import { diffTable, tableSum } from '../../store/transfer/verify.js';
import type { Progress } from './progress.js';
import type { TableReport } from './report.js';

export interface TableRun {
  target: Sql;
  batchSize: number;
  note: (line: string) => void;
}

/** This run's work on one table. */
export interface TableTally {
  read: number;
  written: number;
  deleted: number;
}

const MAX_DIFFERENCES = 10;

/**
 * The tables to move, once both sides are known to stand on the same migrations (the snapshot and
 * the target were each brought up to this version's list; a target a newer version migrated is
 * refused) and to have the same columns.
 */
export async function checkedTables(
  snap: SourceSnapshot,
  target: Sql,
): Promise<{ specs: TableSpec[]; schema: { migrations: number; latest: string } }> {
  const theirs = (await pgMigrationStatus(target)).applied.sort();
  const onlySource = snap.migrations.filter((m) => !theirs.includes(m));
  const onlyTarget = theirs.filter((m) => !snap.migrations.includes(m));
  if (onlySource.length + onlyTarget.length > 0) {
    const list = (ids: string[]) => (ids.length ? ids.join(', ') : 'none');
    throw new Error(
      `the target database's schema differs from the source's: only the source has ${list(onlySource)}; ` +
        `only the target has ${list(onlyTarget)} (migrate with the VoiceReel version that made the newer one)`,
    );
  }
  const specs = await tableSpecs(snap.sql, target);
  return { specs, schema: { migrations: theirs.length, latest: theirs[theirs.length - 1] ?? '' } };
}

/**
 * Copies every table in dependency order, each first pruned of rows the source no longer has, then
 * batch by batch from where the progress note says; the note is saved after every committed batch.
 * Then the target's sequences move past the copied ids.
 */
export async function copyTables(
  source: Sql,
  run: TableRun,
  specs: readonly TableSpec[],
  progress: Progress,
  save: () => void,
): Promise<Map<string, TableTally>> {
  const tallies = new Map<string, TableTally>();
  for (const spec of specs) {
    const tally: TableTally = { read: 0, written: 0, deleted: 0 };
    tallies.set(spec.name, tally);
    const step = (progress.tables[spec.name] ??= { pruned: false, after: null, done: false });
    if (step.done) continue;
    if (!step.pruned) {
      tally.deleted = await pruneTable(source, run.target, spec, run.batchSize);
      step.pruned = true;
      save();
    }
    const total = await countRows(source, spec);
    await copyTable(source, run.target, spec, run.batchSize, step.after ?? undefined, (batch) => {
      step.after = batch.last;
      tally.read += batch.read;
      tally.written += batch.written;
      save();
      run.note(`${spec.name}: ${tally.read} rows read this run, ${total} in the source`);
    });
    step.done = true;
    save();
  }
  await resetSequences(run.target, specs);
  return tallies;
}

/** Both sides' counts and checksums per table, and the differing rows where they differ. */
export async function verifyTables(
  source: Sql,
  run: TableRun,
  specs: readonly TableSpec[],
  tallies: ReadonlyMap<string, TableTally>,
): Promise<TableReport[]> {
  const reports: TableReport[] = [];
  for (const spec of specs) {
    const mine = await tableSum(source, spec, run.batchSize);
    const theirs = await tableSum(run.target, spec, run.batchSize);
    const ok = mine.rows === theirs.rows && mine.checksum === theirs.checksum;
    const differences = ok ? [] : await diffTable(source, run.target, spec, run.batchSize, MAX_DIFFERENCES);
    run.note(`verified ${spec.name}: ${ok ? 'equal' : 'DIFFERENT'} (${mine.rows} rows in the source)`);
    reports.push({
      table: spec.name,
      ...(tallies.get(spec.name) ?? { read: 0, written: 0, deleted: 0 }),
      source_rows: mine.rows,
      target_rows: theirs.rows,
      source_checksum: mine.checksum,
      target_checksum: theirs.checksum,
      ok,
      differences,
    });
  }
  return reports;
}
