import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { PRIVATE_DIR, PRIVATE_FILE } from '../lib/private-files.js';
import type { Db } from './connection.js';

/** `<data_dir>/backups`, where `voicereel db backup` and the pre-migration backup write by default. */
export function backupDirOf(dataDir: string): string {
  return join(dataDir, 'backups');
}

/** `voicereel-20261122T101530Z.db`: sortable, and safe in every file system. */
export function timestampedBackupName(at: number): string {
  return `voicereel-${new Date(at)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}.db`;
}

/** The automatic backup taken before `migrationId` (the first pending one) is applied. */
export function preMigrationBackupName(migrationId: string): string {
  return `voicereel-before-${migrationId}.db`;
}

/**
 * Online, consistent copy with SQLite's backup API (better-sqlite3 `db.backup`): readers and the
 * server's writer go on meanwhile (WAL). The copy is made under a temporary name, checked, made a
 * self-contained single file (journal_mode=DELETE, no -wal beside it, mode 0600: it holds the key
 * hashes) and renamed into place, so `out` is either a complete backup or absent. Returns its path.
 */
export async function backupDatabase(db: Db, out: string, nativeBinding?: string): Promise<string> {
  const target = resolve(out);
  const tmp = tempName(target);
  try {
    await db.backup(tmp);
    seal(tmp, target, nativeBinding);
  } catch (err) {
    removeCopy(tmp);
    throw err;
  }
  return target;
}

/**
 * The same copy, synchronously (`VACUUM INTO`: one read transaction, just as consistent), for the
 * backup taken where the database is opened, before pending migrations run, which cannot await.
 */
export function snapshotDatabase(db: Db, out: string, nativeBinding?: string): string {
  const target = resolve(out);
  const tmp = tempName(target);
  try {
    db.prepare('VACUUM INTO ?').run(tmp);
    seal(tmp, target, nativeBinding);
  } catch (err) {
    removeCopy(tmp);
    throw err;
  }
  return target;
}

function tempName(target: string): string {
  mkdirSync(dirname(target), { recursive: true, mode: PRIVATE_DIR });
  return `${target}.${randomBytes(6).toString('hex')}.tmp`;
}

/** Checks the fresh copy, makes it one file on its own, private, and moves it to its real name. */
function seal(tmp: string, target: string, nativeBinding: string | undefined): void {
  const copy = new Database(tmp, nativeBinding ? { nativeBinding } : {});
  try {
    const check: unknown = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`backup copy failed its integrity check: ${String(check)}`);
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  chmodSync(tmp, PRIVATE_FILE);
  renameSync(tmp, target);
}

function removeCopy(tmp: string): void {
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`, `${tmp}-journal`]) rmSync(f, { force: true });
}
