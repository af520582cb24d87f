import type Database from 'better-sqlite3';
import type { Dialect, Params, Sql } from './client.js';

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  jsonNumber: (column, field) => `json_extract(${column}, '$.${field}')`,
  jsonText: (column, field) => `json_extract(${column}, '$.${field}')`,
  insertIgnore: (table, columns, values) => `INSERT OR IGNORE INTO ${table} (${columns}) VALUES (${values})`,
  arrival: 'rowid',
  skipLocked: '',
};

type Bind = unknown[] | [Readonly<Record<string, unknown>>];
const bind = (params: Params | undefined): Bind =>
  params === undefined ? [] : Array.isArray(params) ? [...(params as unknown[])] : [params];

/**
 * SQLite behind the async interface. better-sqlite3 answers synchronously, so a statement outside a
 * transaction runs at once; but a transaction's callback awaits between its statements, and another
 * request's statement must not land inside it. So transactions take turns (a queue), and a statement
 * issued while one is open waits for it to end. The file has one writer anyway.
 */
export class SqliteSql implements Sql {
  readonly dialect = sqliteDialect;
  private open: Promise<void> | undefined;
  /** The same statements with no turn to wait for; each runs synchronously when called. */
  private readonly now: SqliteTx;

  constructor(readonly handle: Database.Database) {
    this.now = new SqliteTx(handle);
  }

  // Each waits only while another caller's transaction is open, then runs in the same step.
  async all<T>(sql: string, params?: Params): Promise<T[]> {
    while (this.open) await this.open;
    return this.now.all<T>(sql, params);
  }

  async one<T>(sql: string, params?: Params): Promise<T | undefined> {
    while (this.open) await this.open;
    return this.now.one<T>(sql, params);
  }

  async value<T>(sql: string, params?: Params): Promise<T | undefined> {
    while (this.open) await this.open;
    return this.now.value<T>(sql, params);
  }

  async run(sql: string, params?: Params): Promise<number> {
    while (this.open) await this.open;
    return this.now.run(sql, params);
  }

  async exec(sql: string): Promise<void> {
    while (this.open) await this.open;
    return this.now.exec(sql);
  }

  async reclaimSpace(): Promise<void> {
    while (this.open) await this.open;
    this.handle.pragma('wal_checkpoint(TRUNCATE)');
  }

  async lock(): Promise<void> {
    // Transactions on this handle take turns already.
  }

  exclusive<T>(_name: string, fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    // The check and the claim happen in one synchronous step, so two waiters cannot both begin.
    while (this.open) await this.open;
    let done!: () => void;
    this.open = new Promise<void>((r) => (done = r));
    const tx = new SqliteTx(this.handle);
    try {
      this.handle.exec('BEGIN IMMEDIATE');
      try {
        const out = await fn(tx);
        this.handle.exec('COMMIT');
        return out;
      } catch (err) {
        if (this.handle.inTransaction) this.handle.exec('ROLLBACK');
        throw err;
      }
    } finally {
      tx.closed = true;
      this.open = undefined;
      done();
    }
  }
}

/** The statements of one open transaction: they run at once, and nested transactions are savepoints. */
class SqliteTx implements Sql {
  readonly dialect = sqliteDialect;
  closed = false;
  private depth = 0;

  constructor(private readonly handle: Database.Database) {}

  private live(): Database.Database {
    if (this.closed) throw new Error('statement on a finished transaction');
    return this.handle;
  }

  async all<T>(sql: string, params?: Params): Promise<T[]> {
    return this.live()
      .prepare(sql)
      .all(...bind(params)) as T[];
  }

  async one<T>(sql: string, params?: Params): Promise<T | undefined> {
    return this.live()
      .prepare(sql)
      .get(...bind(params)) as T | undefined;
  }

  async value<T>(sql: string, params?: Params): Promise<T | undefined> {
    const stmt = this.live().prepare(sql);
    return (stmt.reader ? stmt.pluck().get(...bind(params)) : undefined) as T | undefined;
  }

  async run(sql: string, params?: Params): Promise<number> {
    return this.live()
      .prepare(sql)
      .run(...bind(params)).changes;
  }

  async exec(sql: string): Promise<void> {
    this.live().exec(sql);
  }

  async reclaimSpace(): Promise<void> {
    // A checkpoint cannot run inside a transaction: nothing to give back from here.
  }

  async lock(): Promise<void> {
    // The write lock is held from BEGIN IMMEDIATE on.
  }

  exclusive<T>(_name: string, fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    const name = `sp${++this.depth}`;
    this.live().exec(`SAVEPOINT ${name}`);
    try {
      const out = await fn(this);
      this.live().exec(`RELEASE ${name}`);
      return out;
    } catch (err) {
      this.live().exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
      throw err;
    } finally {
      this.depth--;
    }
  }
}
