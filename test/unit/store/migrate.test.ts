import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDatabase, preMigrationBackupName, timestampedBackupName } from '../../../src/store/backup.js';
import {
  closeDatabase,
  databaseFileIn,
  type Db,
  inspectDatabase,
  integrityProblems,
  openDatabase,
} from '../../../src/store/db.js';
import { JobsRepo } from '../../../src/store/jobs-repo.js';
import { migrate, migrationStatus, pendingMigrations } from '../../../src/store/migrate.js';
import { type Migration, migrations as shipped } from '../../../src/store/migrations/index.js';
import { SqliteSql } from '../../../src/store/sql/sqlite.js';

/**
 * Upgrades (issue 4: "`voicereel db backup` runs before migrations, migrations are versioned and
 * idempotent, and a failed migration leaves the old database usable"). A deliberately broken
 * migration is injected after a good one into a database that already holds data.
 */

const good: Migration = {
  id: '2099-01-01-good',
  sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL); ALTER TABLE jobs ADD COLUMN note TEXT;',
};
// Its first statements succeed; the last fails, so only a rollback can undo the first ones.
const broken: Migration = {
  id: '2099-02-01-broken',
  sql: `CREATE TABLE half_done (x INTEGER);
        ALTER TABLE api_keys ADD COLUMN colour TEXT;
        UPDATE api_keys SET name = 'renamed';
        INSERT INTO no_such_table VALUES (1);`,
};
const fixed: Migration = { id: broken.id, sql: 'ALTER TABLE api_keys ADD COLUMN colour TEXT;' };

const open: Db[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

function track(db: Db): Db {
  open.push(db);
  return db;
}

/** A data dir whose database was made by the shipped migrations and holds a key and a job. */
function existingDatabase() {
  const dir = mkdtempSync(join(tmpdir(), 'vr-migrate-'));
  const file = join(dir, 'voicereel.db');
  const db = openDatabase(file);
  db.prepare(
    `INSERT INTO api_keys (id, name, project, admin, key_hash, key_sealed, created_at)
     VALUES ('key_1', 'ops', 'default', 1, 'h', 's', 1)`,
  ).run();
  db.prepare(
    `INSERT INTO jobs (id, project, key_id, type, status, payload_json, created_at)
     VALUES ('job_1', 'default', 'key_1', 'synthesize', 'succeeded', '{}', 2)`,
  ).run();
  closeDatabase(db);
  return { dir, file };
}

const tables = (db: Db) =>
  db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
const columns = (db: Db, table: string) =>
  (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);

describe('migrate()', () => {
  it('is idempotent: a second run applies nothing', () => {
    const db = track(new Database(':memory:'));
    expect(migrate(db)).toEqual(shipped.map((m) => m.id));
    expect(migrate(db)).toEqual([]);
    expect(pendingMigrations(db)).toEqual([]);
  });

  it('asks for a backup only when an existing database has something pending', () => {
    const calls: string[][] = [];
    const beforeUpgrade = (pending: string[]) => calls.push(pending);
    const db = track(new Database(':memory:'));
    migrate(db, { beforeUpgrade }); // a fresh install: nothing to back up
    migrate(db, { beforeUpgrade }); // nothing pending
    expect(calls).toEqual([]);
    migrate(db, { beforeUpgrade, migrations: [...shipped, good] });
    expect(calls).toEqual([[good.id]]);
  });

  it('a failing migration rolls back completely and leaves the database usable', () => {
    const { file } = existingDatabase();
    const db = track(openDatabase(file, undefined, { migrate: false }));
    const backups: string[][] = [];
    expect(() =>
      migrate(db, { migrations: [...shipped, good, broken], beforeUpgrade: (p) => backups.push(p) }),
    ).toThrow(/no such table/);
    expect(backups).toEqual([[good.id, broken.id]]);

    // The good migration before it stands (its own transaction); nothing of the broken one does.
    expect(tables(db)).toContain('notes');
    expect(tables(db)).not.toContain('half_done');
    expect(columns(db, 'api_keys')).not.toContain('colour');
    expect(db.prepare('SELECT id FROM schema_migrations ORDER BY id').pluck().all()).toEqual([
      ...shipped.map((m) => m.id),
      good.id,
    ]);
    // The data is intact and the database takes reads and writes as before.
    expect(db.prepare('SELECT name FROM api_keys').pluck().all()).toEqual(['ops']);
    db.prepare("UPDATE jobs SET status = 'failed' WHERE id = 'job_1'").run();
    expect(db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
    db.close();

    // The shipped server still opens it, and a fixed release applies just the missing migration.
    const again = track(openDatabase(file));
    expect(again.prepare('SELECT COUNT(*) FROM jobs').pluck().get()).toBe(1);
    again.close();
    const upgraded = track(openDatabase(file, undefined, { migrations: [...shipped, good, fixed] }));
    expect(columns(upgraded, 'api_keys')).toContain('colour');
    expect(pendingMigrations(upgraded, [...shipped, good, fixed])).toEqual([]);
  });
});

describe('openDatabase() on an upgrade', () => {
  it('backs the database up before pending migrations run, and the backup holds the old state', () => {
    const { dir, file } = existingDatabase();
    const told: Array<[string, string[]]> = [];
    expect(() =>
      openDatabase(file, undefined, {
        migrations: [...shipped, good, broken],
        onBackup: (f, p) => told.push([f, p]),
      }),
    ).toThrow(/no such table/);
    const backup = join(dir, 'backups', preMigrationBackupName(good.id));
    expect(told).toEqual([[backup, [good.id, broken.id]]]);
    expect(readdirSync(join(dir, 'backups'))).toEqual([preMigrationBackupName(good.id)]);
    expect(statSync(backup).mode & 0o777).toBe(0o600);
    // A self-contained file (no -wal beside it) with the schema and rows from before the upgrade.
    expect(existsSync(`${backup}-wal`)).toBe(false);
    const copy = track(new Database(backup, { readonly: true }));
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(tables(copy)).not.toContain('notes');
    expect(copy.prepare('SELECT id FROM schema_migrations').pluck().all()).toEqual(shipped.map((m) => m.id));
    expect(copy.prepare('SELECT name FROM api_keys').pluck().all()).toEqual(['ops']);
    expect(copy.prepare('SELECT COUNT(*) FROM jobs').pluck().get()).toBe(1);

    // The failed open left the live database usable by the current release.
    const db = track(openDatabase(file));
    expect(db.prepare('SELECT name FROM api_keys').pluck().all()).toEqual(['ops']);
  });

  it('takes no backup of a fresh database, nor of one that is up to date', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vr-migrate-'));
    const told: string[] = [];
    const onBackup = (f: string) => told.push(f);
    closeDatabase(openDatabase(join(dir, 'voicereel.db'), undefined, { onBackup }));
    closeDatabase(openDatabase(join(dir, 'voicereel.db'), undefined, { onBackup }));
    expect(told).toEqual([]);
    expect(existsSync(join(dir, 'backups'))).toBe(false);
  });

  it('refuses to create a database with mustExist (the CLI reading an absent data dir)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vr-migrate-'));
    expect(() => openDatabase(join(dir, 'voicereel.db'), undefined, { mustExist: true })).toThrow();
    expect(existsSync(join(dir, 'voicereel.db'))).toBe(false);
  });
});

describe('the fair-queue migration (2026-12-01)', () => {
  it('upgrades a database with queued jobs, which are then claimed fairly across projects', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vr-migrate-'));
    const file = join(dir, 'voicereel.db');
    const before = shipped.filter((m) => m.id < '2026-12-01-fair-queue');
    const old = openDatabase(file, undefined, { migrations: before });
    const insert = old.prepare(
      `INSERT INTO jobs (id, project, key_id, type, status, payload_json, created_at)
       VALUES (?, ?, 'key_1', 'synthesize', 'queued', '{}', ?)`,
    );
    [
      ['job_a1', 'a'],
      ['job_a2', 'a'],
      ['job_b1', 'b'],
    ].forEach(([id, project], i) => insert.run(id, project, i));
    closeDatabase(old);

    const backups: string[] = [];
    const db = track(openDatabase(file, undefined, { onBackup: (f) => backups.push(f) }));
    expect(backups).toHaveLength(1);
    expect(tables(db)).toContain('queue_turns');
    const jobs = new JobsRepo(new SqliteSql(db));
    const claimed: Array<string | undefined> = [];
    for (let i = 0; i < 3; i++) claimed.push((await jobs.claimNext(10))?.id);
    expect(claimed).toEqual(['job_a1', 'job_b1', 'job_a2']);
  });
});

describe('backupDatabase()', () => {
  it('copies a database that another connection keeps writing to, consistently', async () => {
    const { dir, file } = existingDatabase();
    const server = track(openDatabase(file));
    const insert = server.prepare(
      "INSERT INTO usage (key_id, project, month, requests) VALUES (?, 'default', '2026-11', 1)",
    );
    for (let i = 0; i < 500; i++) insert.run(`key_${i}`);
    const reader = track(openDatabase(file, undefined, { migrate: false }));
    const copying = backupDatabase(
      reader,
      join(dir, 'out', timestampedBackupName(Date.UTC(2026, 10, 22, 10, 15, 30))),
    );
    // The "server" writes on while the backup runs.
    for (let i = 500; i < 600; i++) insert.run(`key_${i}`);
    const out = await copying;
    expect(out).toBe(join(dir, 'out', 'voicereel-20261122T101530Z.db'));
    expect(readdirSync(join(dir, 'out'))).toEqual(['voicereel-20261122T101530Z.db']);
    const copy = track(new Database(out, { readonly: true }));
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(tables(copy)).toEqual(tables(server));
    const n = copy.prepare('SELECT COUNT(*) FROM usage').pluck().get() as number;
    expect(n).toBeGreaterThanOrEqual(500);
    expect(n).toBeLessThanOrEqual(600);
  });
});

describe('reading a database as it is (doctor)', () => {
  it('names the file once, and reports migrations applied, pending and unknown without changing it', () => {
    const { dir, file } = existingDatabase();
    expect(databaseFileIn(dir)).toBe(file);
    const plain = new Database(file);
    plain.pragma('journal_mode = DELETE');
    plain.close();
    const db = track(inspectDatabase(file));
    const ids = shipped.map((m) => m.id);
    expect(migrationStatus(db)).toEqual({ applied: ids, pending: [], unknown: [] });
    expect(migrationStatus(db, [...shipped, good])).toEqual({
      applied: ids,
      pending: [good.id],
      unknown: [],
    });
    expect(migrationStatus(db, shipped.slice(1))).toEqual({ applied: ids, pending: [], unknown: [ids[0]] });
    expect(pendingMigrations(db, [...shipped, good])).toEqual([good.id]);
    expect(integrityProblems(db)).toEqual([]);
    // Nothing was migrated and the journal mode was left as it was.
    expect(columns(db, 'jobs')).not.toContain('note');
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
  });

  it('never creates a database that is not there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vr-inspect-'));
    expect(() => track(inspectDatabase(databaseFileIn(dir)))).toThrow();
    expect(existsSync(databaseFileIn(dir))).toBe(false);
  });
});
