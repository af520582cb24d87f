import type Database from 'better-sqlite3';

/**
 * The open database handle every repository is given. On its own (not in db.ts) so backup.ts and
 * migrate.ts, which db.ts calls, can name it without importing db.ts back.
 */
export type Db = Database.Database;
