import type { RowDifference } from '../../store/transfer/verify.js';
import type { SecretOutcome } from './master-secret.js';

/** One table after a run: this run's work, then both sides compared. */
export interface TableReport {
  table: string;
  /** Rows this run read from the snapshot, wrote to the target (inserted or changed), deleted there. */
  read: number;
  written: number;
  deleted: number;
  source_rows: number;
  target_rows: number;
  /** The sum of each row's SHA-256 (canonical JSON of its columns) modulo 2^256, per side. */
  source_checksum: string;
  target_checksum: string;
  ok: boolean;
  /** Up to ten rows that differ, by primary key, when the two sides do. */
  differences: RowDifference[];
}

export interface FilesReport {
  /** Files the database names: job audio and captions, speakers' reference recordings. */
  named: number;
  copied: number;
  /** Already on the target with the same size and SHA-256. */
  present: number;
  bytes: number;
  /** Named by a row but gone from the source (deleted by its retention sweep after the snapshot). */
  missing_at_source: string[];
  missing_on_target: string[];
  /** On the target with another size or SHA-256 than the source's file. */
  mismatched: string[];
  ok: boolean;
}

/** What `voicereel migrate` prints (JSON); `ok` false means something differs, and it exits 1. */
export interface MigrationReport {
  ok: boolean;
  mode: 'copy' | 'verify';
  /** This run continued an interrupted one (the same snapshot, from its progress note). */
  resumed: boolean;
  snapshot_taken_at: string;
  schema: { migrations: number; latest: string };
  master_secret: SecretOutcome;
  tables: TableReport[];
  files: FilesReport;
}

const secretOk = (s: SecretOutcome) => s === 'copied' || s === 'present' || s === 'none at source';

/** The report, `ok` when every table, every file and the master secret match. */
export function migrationReport(parts: Omit<MigrationReport, 'ok'>): MigrationReport {
  const ok = parts.tables.every((t) => t.ok) && parts.files.ok && secretOk(parts.master_secret);
  return { ok, ...parts };
}
