import { readFileSync } from 'node:fs';
import type { DatabaseConfig } from '../../config/database.js';
import { createStore, type Store } from '../index.js';
import { createPool, PgSql } from './client.js';
import type { Migration } from '../migrations/index.js';
import { migratePostgres, pgMigrationStatus, type PgMigrationStatus } from './migrate.js';

/** The password, from the file named in the config or VR_DATABASE_PASSWORD; undefined: the URL's own. */
function passwordOf(db: DatabaseConfig, env: NodeJS.ProcessEnv): string | undefined {
  if (db.password_file) return readFileSync(db.password_file, 'utf8').replace(/\r?\n$/, '');
  return env.VR_DATABASE_PASSWORD || undefined;
}

function sslOf(db: DatabaseConfig): { rejectUnauthorized: boolean; ca?: string } | undefined {
  if (db.ssl === 'disable') return undefined;
  if (db.ssl === 'require') return { rejectUnauthorized: false };
  return {
    rejectUnauthorized: true,
    ...(db.ssl_ca_file ? { ca: readFileSync(db.ssl_ca_file, 'utf8') } : {}),
  };
}

/** The server's version and where its schema stands, read without changing anything. */
export async function inspectPostgres(
  db: DatabaseConfig,
  list: Migration[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ version: string; status: PgMigrationStatus }> {
  const pool = poolFor({ ...db, pool_size: 1 }, env);
  pool.on('error', () => undefined);
  try {
    const sql = new PgSql(pool);
    const version =
      (await sql.value<string>("SELECT 'PostgreSQL ' || current_setting('server_version')")) ?? '';
    return { version, status: await pgMigrationStatus(sql, list) };
  } finally {
    await pool.end();
  }
}

function poolFor(db: DatabaseConfig, env: NodeJS.ProcessEnv) {
  return createPool({
    connectionString: db.url,
    password: passwordOf(db, env),
    max: db.pool_size,
    ssl: sslOf(db),
  });
}

/**
 * Connects to PostgreSQL and brings its schema up to date (once per cluster, see migratePostgres).
 * A database that cannot be reached fails start-up with the driver's reason.
 */
export async function openPostgresStore(
  db: DatabaseConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ store: Store; sql: PgSql }> {
  const pool = poolFor(db, env);
  // An idle connection the server dropped (a restart of PostgreSQL) is replaced on next use; without
  // a listener the pool's 'error' event would end the process.
  pool.on('error', () => undefined);
  const sql = new PgSql(pool);
  try {
    await migratePostgres(sql);
  } catch (err) {
    await pool.end();
    throw err;
  }
  return { store: createStore(sql, sql), sql };
}
