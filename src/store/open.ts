import { closeDatabase, databaseFileIn, openDatabase } from './db.js';
import { createStore, type Store } from './index.js';
import { SqliteSql } from './sql/sqlite.js';

/** An open store and what its owner needs to run it: whether it is still open, and closing it. */
export interface OpenStore {
  store: Store;
  isOpen(): boolean;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  dataDir: string;
  /** The better-sqlite3 addon of the single executable (undefined: the package's own). */
  sqliteAddon?: string;
  /** Told the path of the backup taken before migrations ran on an existing database. */
  onBackup?: (file: string, pending: string[]) => void;
}

/** The database, migrated (with a backup first when an upgrade has migrations to run). */
export function openStore(opts: OpenStoreOptions): Promise<OpenStore> {
  const db = openDatabase(databaseFileIn(opts.dataDir), opts.sqliteAddon, { onBackup: opts.onBackup });
  return Promise.resolve({
    store: createStore(new SqliteSql(db)),
    isOpen: () => db.open,
    close: async () => closeDatabase(db),
  });
}
