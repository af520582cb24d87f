import { type Migration, migrations as shipped } from '../migrations/index.js';
import type { Sql } from '../sql/client.js';
import type { PgSql } from './client.js';

/** One lock for every node: the first to start migrates, the others wait and find nothing pending. */
const MIGRATION_LOCK = 'voicereel-migrations';

export interface PgMigrationStatus {
  applied: string[];
  pending: string[];
  /** Applied by a newer version: this one must not run on that schema. */
  unknown: string[];
}

async function applied(sql: Sql): Promise<string[]> {
  const tracked = await sql.value<string | null>("SELECT to_regclass('schema_migrations')::text");
  if (!tracked) return [];
  const rows = await sql.all<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id');
  return rows.map((r) => r.id);
}

export async function pgMigrationStatus(sql: Sql, list: Migration[] = shipped): Promise<PgMigrationStatus> {
  const done = await applied(sql);
  const have = new Set(done);
  const known = new Set(list.map((m) => m.id));
  return {
    applied: done,
    pending: list.filter((m) => !have.has(m.id)).map((m) => m.id),
    unknown: done.filter((id) => !known.has(id)),
  };
}

/**
 * Applies pending migrations in order, each in its own transaction with its bookkeeping row (DDL is
 * transactional on PostgreSQL), under a session lock all nodes share, so nodes started together
 * migrate once. Returns the ids applied. Backups of a PostgreSQL database are the operator's
 * (pg_dump, base backups): see docs/scale-out.md.
 */
export async function migratePostgres(sql: PgSql, list: Migration[] = shipped): Promise<string[]> {
  return sql.withSessionLock(MIGRATION_LOCK, async (conn) => {
    await conn.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id TEXT PRIMARY KEY,
      applied_at BIGINT NOT NULL
    )`);
    const status = await pgMigrationStatus(conn, list);
    const pending = new Set(status.pending);
    const ran: string[] = [];
    for (const m of list) {
      if (!pending.has(m.id)) continue;
      if (m.postgres === undefined) throw new Error(`migration ${m.id} has no PostgreSQL statements`);
      const statements = m.postgres;
      await conn.transaction(async (tx) => {
        await tx.exec(statements);
        await tx.run('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)', [m.id, Date.now()]);
      });
      ran.push(m.id);
    }
    return ran;
  });
}
