/**
 * The one interface every repository speaks: SQL text with `?` or `@name` parameters, answered
 * asynchronously. Each database (SQLite, PostgreSQL) implements it; the repositories above it are
 * written once, asking the dialect only for what the two spell differently.
 */
export type Params = readonly unknown[] | object;

export type DialectName = 'sqlite' | 'postgres';

/** What SQLite and PostgreSQL spell differently, as SQL fragments. */
export interface Dialect {
  readonly name: DialectName;
  /** A number stored in a JSON text column, e.g. `json_extract(payload_json, '$.characters')`. */
  jsonNumber(column: string, field: string): string;
  /** A string stored in a JSON text column. */
  jsonText(column: string, field: string): string;
  /** `INSERT … ` that does nothing when the row exists (add `ON CONFLICT DO NOTHING` on PostgreSQL). */
  insertIgnore(table: string, columns: string, values: string): string;
  /** A column that orders a table's rows as they were inserted (ties on a timestamp). */
  readonly arrival: string;
  /** Row locking for a queue claim: another node's claim skips a row this one is taking. */
  readonly skipLocked: string;
}

export interface Sql {
  readonly dialect: Dialect;
  all<T>(sql: string, params?: Params): Promise<T[]>;
  one<T>(sql: string, params?: Params): Promise<T | undefined>;
  /** The first column of the first row. */
  value<T>(sql: string, params?: Params): Promise<T | undefined>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: Params): Promise<number>;
  /** Runs several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it rejects. Inside,
   * only `tx` may be used (the outer handle waits for the transaction to end).
   */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * Gives disk space held by the database's own journal back, where it can (SQLite: checkpoint and
   * truncate the write-ahead log); on a full disk that is room for the rows that record a job's end.
   */
  reclaimSpace(): Promise<void>;
  /**
   * Inside a transaction: waits for, then holds until it ends, the lock called `name`, so checks and
   * writes that must not interleave across processes (job admission) take turns. SQLite's
   * transactions already do, one writer at a time.
   */
  lock(name: string): Promise<void>;
  /**
   * Runs `fn` while holding the lock `name` across every process sharing the database (scheduled
   * tasks that must run once per cluster). SQLite has one server process: `fn` simply runs.
   */
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/**
 * Rewrites `@name` and `?` parameters into PostgreSQL's `$1, $2…` with the values in order. Quoted
 * strings are copied as they are (a `?` or `@` inside a literal is not a parameter).
 */
export function toNumbered(sql: string, params: Params = []): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const positional = Array.isArray(params) ? (params as readonly unknown[]) : undefined;
  const named = positional ? undefined : (params as Readonly<Record<string, unknown>>);
  const seen = new Map<string, number>();
  let next = 0;
  let out = '';
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i] as string;
    if (c === "'") {
      const end = sql.indexOf("'", i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?' && positional) {
      values.push(positional[next++]);
      out += `$${values.length}`;
    } else if (c === '@' && named && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1)) as RegExpExecArray;
      const name = m[0];
      let n = seen.get(name);
      if (n === undefined) {
        if (!(name in named)) throw new Error(`missing SQL parameter @${name}`);
        values.push(named[name]);
        n = values.length;
        seen.set(name, n);
      }
      out += `$${n}`;
      i += name.length;
    } else {
      out += c;
    }
  }
  return { text: out, values };
}
