import { rmSync } from 'node:fs';
import { backupDatabase } from '../backup.js';
import { closeDatabase, openDatabase } from '../db.js';
import { migrate, migrationStatus } from '../migrate.js';
import type { Sql } from '../sql/client.js';
import { SqliteSql } from '../sql/sqlite.js';

/**
 * A consistent copy of the live SQLite file at `out`, taken with SQLite's online backup API: a
 * server using the file goes on meanwhile, and what is copied is one moment of it. The live file
 * is opened as it is, never migrated.
 */
export async function snapshotSource(file: string, out: string, sqliteAddon?: string): Promise<void> {
  const db = openDatabase(file, sqliteAddon, { migrate: false, mustExist: true });
  try {
    await backupDatabase(db, out, sqliteAddon);
  } finally {
    db.close();
  }
}

export interface SourceSnapshot {
  sql: Sql;
  /** The migrations applied to it, sorted. */
  migrations: string[];
  close(): void;
}

/**
 * Opens a snapshot brought up to this version's migration list (the copy is migrated, never the
 * live file). A snapshot that a newer version migrated is refused: this one does not know its tables.
 */
export function openSnapshot(file: string, sqliteAddon?: string): SourceSnapshot {
  const db = openDatabase(file, sqliteAddon, { migrate: false, mustExist: true });
  try {
    const { unknown } = migrationStatus(db);
    if (unknown.length > 0) {
      throw new Error(`the source database was migrated by a newer VoiceReel (${unknown.join(', ')})`);
    }
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return {
    sql: new SqliteSql(db),
    migrations: migrationStatus(db).applied.sort(),
    close: () => closeDatabase(db),
  };
}

export function removeSnapshot(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) rmSync(f, { force: true });
}

export interface NamedObject {
  /** The path the database names, relative to the data dir: the object's key. */
  key: string;
  contentType?: string;
}

/** Every file the database names (job audio and captions, speakers' reference recordings), sorted by key. */
export async function namedObjects(sql: Sql): Promise<NamedObject[]> {
  const rows = await sql.all<{ key: string; content_type: string | null }>(
    `SELECT rel_path AS key, content_type FROM files
     UNION SELECT reference_file, NULL FROM speakers WHERE reference_file IS NOT NULL`,
  );
  return rows
    .map((r) => (r.content_type ? { key: r.key, contentType: r.content_type } : { key: r.key }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
