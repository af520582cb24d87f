import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { makePrivate } from '../lib/private-files.js';
import { preMigrationBackupName, snapshotDatabase } from './backup.js';
import type { Db } from './connection.js';
import { migrate } from './migrate.js';
import type { Migration } from './migrations/index.js';

export type { Db } from './connection.js';

/** The database's file name in the data directory (the server, the CLI and doctor all use it). */
export const DATABASE_FILE = 'voicereel.db';

export function databaseFileIn(dataDir: string): string {
  return join(dataDir, DATABASE_FILE);
}

/**
 * Pragmas, in one place:
 * - journal_mode=WAL: readers (GET /v1/jobs) never wait for the job writer.
 * - synchronous=NORMAL: with WAL a commit is durable against process crashes (kill -9); only a power
 *   loss can drop the last transactions, which is the usual WAL trade-off for write throughput.
 * - busy_timeout: CLI commands (keys create, db backup) share the file with a running server.
 * - foreign_keys: cascades from jobs to their files are relied upon.
 */
function applyPragmas(db: Db): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
}

export interface OpenOptions {
  /** Apply pending migrations (the default). `db backup` and `usage report` read the file as it is. */
  migrate?: boolean;
  /** Refuse to create a database that is not there yet. */
  mustExist?: boolean;
  /** Where the automatic pre-migration backup goes; default `backups/` beside the database file. */
  backupDir?: string;
  /** Told the path of the backup taken before migrations ran on an existing database. */
  onBackup?: (file: string, pending: string[]) => void;
  /** The migration list (tests inject their own). */
  migrations?: Migration[];
}

/**
 * Opens the database and brings its schema up to date. When migrations are pending on a database that
 * already holds data (an upgrade), a consistent backup is written to `backups/voicereel-before-<first
 * pending id>.db` first; each migration runs in its own transaction, so a failure leaves the database
 * as the previous migration left it and this call throws (the server never runs on a half-known schema).
 */
export function openDatabase(file: string, nativeBinding?: string, opts: OpenOptions = {}): Db {
  const db = new Database(file, {
    ...(nativeBinding ? { nativeBinding } : {}),
    fileMustExist: opts.mustExist ?? false,
  });
  try {
    // Before WAL mode creates -wal and -shm: SQLite gives them the database file's mode.
    for (const f of [file, `${file}-wal`, `${file}-shm`]) makePrivate(f);
    applyPragmas(db);
    if (opts.migrate !== false) {
      migrate(db, {
        migrations: opts.migrations,
        beforeUpgrade: (pending) => {
          const dir = opts.backupDir ?? join(dirname(file), 'backups');
          const out = snapshotDatabase(
            db,
            join(dir, preMigrationBackupName(pending[0] ?? 'upgrade')),
            nativeBinding,
          );
          opts.onBackup?.(out, pending);
        },
      });
    }
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** Checkpoint the WAL into the main file so a stopped server leaves one self-contained database. */
export function closeDatabase(db: Db): void {
  if (!db.open) return;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/**
 * Opens an existing file exactly as it is, for checks that must not change it: no journal-mode
 * pragma, no migration, and it is closed with `db.close()` (no checkpoint).
 */
export function inspectDatabase(file: string, nativeBinding?: string): Db {
  const db = new Database(file, { fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
  db.pragma('busy_timeout = 5000');
  return db;
}

/** What `PRAGMA integrity_check` finds wrong (at most `max` problems); empty when the file is sound. */
export function integrityProblems(db: Db, max = 20): string[] {
  const rows = db.pragma(`integrity_check(${Math.max(1, Math.floor(max))})`, { simple: false }) as {
    integrity_check: string;
  }[];
  return rows.map((r) => r.integrity_check).filter((r) => r !== 'ok');
}
