import Database from 'better-sqlite3';
import { migrate } from './migrate.js';

export type Db = Database.Database;

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

export function openDatabase(file: string, nativeBinding?: string): Db {
  const db = new Database(file, nativeBinding ? { nativeBinding } : {});
  applyPragmas(db);
  migrate(db);
  return db;
}

/** Checkpoint the WAL into the main file so a stopped server leaves one self-contained database. */
export function closeDatabase(db: Db): void {
  if (!db.open) return;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}
