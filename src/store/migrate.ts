import type { Db } from './connection.js';
import { type Migration, migrations as shipped } from './migrations/index.js';

export interface MigrateOptions {
  /** The migration list; the shipped one unless a test injects its own. */
  migrations?: Migration[];
  /**
   * Called once, before the first pending migration runs, when the database already holds tables
   * (an upgrade, not a fresh install): the moment to take a backup. Throwing stops the migration.
   */
  beforeUpgrade?: (pending: string[]) => void;
}

/** Ids of the migrations applied to this file (none before the first migration ran). */
function appliedMigrations(db: Db): string[] {
  const tracked = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  return tracked ? (db.prepare('SELECT id FROM schema_migrations').pluck().all() as string[]) : [];
}

/** Ids of migrations not yet applied, read without changing the database. */
export function pendingMigrations(db: Db, list: Migration[] = shipped): string[] {
  return migrationStatus(db, list).pending;
}

/**
 * Where the file stands against a migration list, read without changing it: what was applied, what
 * is pending, and what was applied that the list does not know (a newer version migrated the file).
 */
export function migrationStatus(
  db: Db,
  list: Migration[] = shipped,
): { applied: string[]; pending: string[]; unknown: string[] } {
  const applied = appliedMigrations(db);
  const done = new Set(applied);
  const known = new Set(list.map((m) => m.id));
  return {
    applied,
    pending: list.filter((m) => !done.has(m.id)).map((m) => m.id),
    unknown: applied.filter((id) => !known.has(id)),
  };
}

/**
 * Applies pending migrations in order, each in its own transaction together with its bookkeeping row,
 * so a failed migration leaves the database exactly as the previous migration left it (and the
 * backup taken by `beforeUpgrade` holds the state from before the upgrade).
 */
export function migrate(db: Db, opts: MigrateOptions = {}): string[] {
  const list = opts.migrations ?? shipped;
  const pending = new Set(pendingMigrations(db, list));
  if (pending.size === 0) return [];
  const tables = db
    .prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .pluck()
    .get() as number;
  if (tables > 0) opts.beforeUpgrade?.([...pending]);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id TEXT PRIMARY KEY,
    applied_at INTEGER NOT NULL
  )`);
  const ran: string[] = [];
  for (const m of list) {
    if (!pending.has(m.id)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)').run(m.id, Date.now());
    })();
    ran.push(m.id);
  }
  return ran;
}
