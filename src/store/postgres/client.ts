import pg from 'pg';
import { type Dialect, type Params, type Sql, toNumbered } from '../sql/client.js';

export const postgresDialect: Dialect = {
  name: 'postgres',
  jsonNumber: (column, field) => `((${column})::jsonb ->> '${field}')::double precision`,
  jsonText: (column, field) => `((${column})::jsonb ->> '${field}')`,
  insertIgnore: (table, columns, values) =>
    `INSERT INTO ${table} (${columns}) VALUES (${values}) ON CONFLICT DO NOTHING`,
  arrival: 'seq',
  skipLocked: 'FOR UPDATE SKIP LOCKED',
};

/**
 * Counts and sums come back from PostgreSQL as int8 and numeric, which node-postgres hands over as
 * strings (they may not fit a JS number). Every such value here is a count, a millisecond time or a
 * duration, all well inside 2^53, so they are read as numbers.
 */
const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 || oid === NUMERIC
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

export interface PoolOptions {
  connectionString: string;
  password?: string;
  max: number;
  ssl?: pg.PoolConfig['ssl'];
  /** Gives up on a connection attempt after this (a database that does not answer fails start-up). */
  connectTimeoutMs?: number;
}

export function createPool(opts: PoolOptions): pg.Pool {
  return new pg.Pool({
    connectionString: opts.connectionString,
    ...(opts.password === undefined ? {} : { password: opts.password }),
    max: opts.max,
    ssl: opts.ssl,
    types,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    // Every statement has an end: a stuck lock must surface as an error, not a hung request.
    statement_timeout: 60_000,
    application_name: 'voicereel',
  });
}

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

async function query<T>(
  on: Queryable,
  sql: string,
  params?: Params,
): Promise<pg.QueryResult<T & pg.QueryResultRow>> {
  const { text, values } = toNumbered(sql, params);
  return on.query<T & pg.QueryResultRow>(text, values);
}

/** Statements on `on` (the pool, or one client inside a transaction). */
abstract class PgStatements implements Sql {
  readonly dialect = postgresDialect;

  protected abstract readonly on: Queryable;

  async all<T>(sql: string, params?: Params): Promise<T[]> {
    return (await query<T>(this.on, sql, params)).rows;
  }

  async one<T>(sql: string, params?: Params): Promise<T | undefined> {
    return (await query<T>(this.on, sql, params)).rows[0];
  }

  async value<T>(sql: string, params?: Params): Promise<T | undefined> {
    const { text, values } = toNumbered(sql, params);
    const res = await this.on.query({ text, values, rowMode: 'array' });
    return (res.rows[0] as unknown[] | undefined)?.[0] as T | undefined;
  }

  async run(sql: string, params?: Params): Promise<number> {
    return (await query(this.on, sql, params)).rowCount ?? 0;
  }

  async exec(sql: string): Promise<void> {
    // No parameters: the simple protocol, which takes several statements at once.
    await this.on.query(sql);
  }

  async reclaimSpace(): Promise<void> {
    // PostgreSQL's own WAL lives on the database host; nothing to give back from here.
  }

  async lock(name: string): Promise<void> {
    await query(this.on, 'SELECT pg_advisory_xact_lock(hashtext(?))', [name]);
  }

  /** On one connection already (a session or a transaction): the caller holds what it needs. */
  exclusive<T>(_name: string, fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  abstract transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

/** The pool: each statement on whichever connection is free; a transaction holds one connection. */
export class PgSql extends PgStatements {
  constructor(protected readonly on: pg.Pool) {
    super();
  }

  /**
   * Runs `fn` on one connection holding the session-level advisory lock `name` (taken in turn by
   * every node); the lock goes with the connection when `fn` ends.
   */
  async withSessionLock<T>(name: string, fn: (conn: Sql) => Promise<T>): Promise<T> {
    const client = await this.on.connect();
    try {
      await query(client, 'SELECT pg_advisory_lock(hashtext(?))', [name]);
      try {
        return await fn(new PgSession(client));
      } finally {
        await query(client, 'SELECT pg_advisory_unlock(hashtext(?))', [name]);
      }
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.listeners].map((stop) => stop()));
    await this.on.end();
  }

  private readonly listeners = new Set<() => Promise<void>>();

  /**
   * Calls `fn` with the payload of every NOTIFY on `channel`, from any node, on a connection of its
   * own (a pooled one would be handed to others). A dropped connection is opened again after a pause;
   * notifications sent meanwhile are lost, which the callers' polling covers.
   */
  listen(channel: string, fn: (payload: string) => void): () => Promise<void> {
    let client: pg.PoolClient | undefined;
    let stopped = false;
    let retry: NodeJS.Timeout | undefined;
    const connect = async () => {
      if (stopped) return;
      try {
        client = await this.on.connect();
        client.on('notification', (n) => n.channel === channel && fn(n.payload ?? ''));
        client.on('error', () => reconnect());
        await client.query(`LISTEN ${channel}`);
      } catch {
        reconnect();
      }
    };
    const reconnect = () => {
      client?.release(true);
      client = undefined;
      if (!stopped) retry = setTimeout(() => void connect(), 1000).unref();
    };
    void connect();
    const stop = async () => {
      stopped = true;
      clearTimeout(retry);
      const c = client;
      client = undefined;
      // Released as broken: the connection is closed rather than pooled with its LISTEN.
      c?.release(true);
    };
    this.listeners.add(stop);
    return stop;
  }

  override exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.withSessionLock(name, () => fn());
  }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    const client = await this.on.connect();
    let broken: Error | undefined;
    try {
      return await inTransaction(client, fn, (err) => (broken = err));
    } finally {
      // A connection whose rollback failed is in an unknown state: it is closed, not reused.
      client.release(broken);
    }
  }
}

/** Statements on one connection held for a while (outside any transaction of the pool's). */
class PgSession extends PgStatements {
  constructor(protected readonly on: pg.PoolClient) {
    super();
  }

  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    return inTransaction(this.on, fn, (err) => {
      throw err;
    });
  }
}

/**
 * BEGIN, `fn` on the transaction, then COMMIT, or ROLLBACK when `fn` throws (its error is the one
 * rethrown; a failed ROLLBACK goes to `rollbackFailed`). The transaction's handle dies with it.
 */
async function inTransaction<T>(
  client: pg.PoolClient,
  fn: (tx: Sql) => Promise<T>,
  rollbackFailed: (err: Error) => void,
): Promise<T> {
  await client.query('BEGIN');
  const tx = new PgTx(client);
  try {
    const out = await fn(tx);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client
      .query('ROLLBACK')
      .catch((e: unknown) => rollbackFailed(e instanceof Error ? e : new Error(String(e))));
    throw err;
  } finally {
    tx.closed = true;
  }
}

/** One open transaction's connection; a nested transaction is a savepoint. */
class PgTx extends PgStatements {
  closed = false;
  private depth = 0;

  constructor(private readonly client: pg.PoolClient) {
    super();
  }

  protected get on(): Queryable {
    if (this.closed) throw new Error('statement on a finished transaction');
    return this.client;
  }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    const name = `sp${++this.depth}`;
    await this.on.query(`SAVEPOINT ${name}`);
    try {
      const out = await fn(this);
      await this.on.query(`RELEASE SAVEPOINT ${name}`);
      return out;
    } catch (err) {
      await this.on.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw err;
    } finally {
      this.depth--;
    }
  }
}
