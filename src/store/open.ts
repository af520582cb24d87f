import type { DatabaseConfig } from '../config/database.js';
import { closeDatabase, databaseFileIn, openDatabase } from './db.js';
import { createStore, type Store } from './index.js';
import { openPostgresStore } from './postgres/open.js';
import type { DialectName } from './sql/client.js';
import { SqliteSql } from './sql/sqlite.js';

/** An open store and what its owner needs to run it: whether it is still open, and closing it. */
export interface OpenStore {
  store: Store;
  dialect: DialectName;
  isOpen(): boolean;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  dataDir: string;
  /** `[database]`; absent or an empty url: the SQLite file in dataDir. */
  database?: DatabaseConfig;
  /** The better-sqlite3 addon of the single executable (undefined: the package's own). */
  sqliteAddon?: string;
  /** Told the path of the backup taken before migrations ran on an existing database. */
  onBackup?: (file: string, pending: string[]) => void;
}

/**
 * The configured database, migrated: PostgreSQL when `[database] url` names one, else the SQLite
 * file (with a backup first when an upgrade has migrations to run).
 */
export async function openStore(opts: OpenStoreOptions): Promise<OpenStore> {
  if (opts.database?.url) {
    const { store, sql } = await openPostgresStore(opts.database);
    let open = true;
    // /readyz reports the database as this probe last found it: a node whose database went away
    // leaves the load balancer's rotation until it answers again.
    let answering = true;
    const probe = setInterval(() => {
      sql.value('SELECT 1').then(
        () => (answering = true),
        () => (answering = false),
      );
    }, 2000);
    probe.unref();
    return {
      store,
      dialect: 'postgres',
      isOpen: () => open && answering,
      close: async () => {
        if (!open) return;
        open = false;
        clearInterval(probe);
        await sql.close();
      },
    };
  }
  const db = openDatabase(databaseFileIn(opts.dataDir), opts.sqliteAddon, { onBackup: opts.onBackup });
  return {
    store: createStore(new SqliteSql(db)),
    dialect: 'sqlite',
    isOpen: () => db.open,
    close: async () => closeDatabase(db),
  };
}
