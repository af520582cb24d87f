import type { Sql } from '../sql/client.js';
import type { TableSpec } from './tables.js';

export type Row = Record<string, unknown>;
/** A row's primary key values, in key order. */
export type Key = unknown[];

export const keyOf = (spec: TableSpec, row: Row): Key => spec.key.map((c) => row[c]);

/** A key as one string, for sets and maps (the same for a row read from either side). */
export const keyText = (key: Key): string => JSON.stringify(key);

/** What this side selects: SQLite names an implied column by where it keeps it (jobs.seq is rowid). */
function selectList(sql: Sql, spec: TableSpec, columns: readonly string[]): string {
  const fromSqlite = sql.dialect.name === 'sqlite';
  return columns
    .map((c) => {
      const expr = spec.sourceExpr[c];
      return fromSqlite && expr ? `${expr} AS ${c}` : c;
    })
    .join(', ');
}

const tuple = (cols: readonly string[]): string =>
  cols.length === 1 ? String(cols[0]) : `(${cols.join(', ')})`;
const marks = (n: number): string => (n === 1 ? '?' : `(${Array.from({ length: n }, () => '?').join(', ')})`);

/** `<key> IN (…)` for these keys, with its parameters (a list of row values for a composite key). */
function keyIn(spec: TableSpec, keys: readonly Key[]): { where: string; params: unknown[] } {
  const n = spec.key.length;
  const list = n === 1 ? keys.map(() => '?').join(', ') : `VALUES ${keys.map(() => marks(n)).join(', ')}`;
  return { where: `${tuple(spec.key)} IN (${list})`, params: keys.flat() };
}

/** Up to `limit` rows after the key `after` (from the first when undefined), in key order. */
function readRows(
  sql: Sql,
  spec: TableSpec,
  after: Key | undefined,
  limit: number,
  columns: readonly string[] = spec.columns,
): Promise<Row[]> {
  const where = after ? `WHERE ${tuple(spec.key)} > ${marks(spec.key.length)}` : '';
  return sql.all<Row>(
    `SELECT ${selectList(sql, spec, columns)} FROM ${spec.name} ${where}
      ORDER BY ${spec.key.join(', ')} LIMIT ${Math.floor(limit)}`,
    after ?? [],
  );
}

/**
 * The table's rows page by page in key order (after `after`, when given), each page read when the
 * previous one has been handled: the whole table is never held at once.
 */
export async function* pages(
  sql: Sql,
  spec: TableSpec,
  limit: number,
  opts: { after?: Key; columns?: readonly string[] } = {},
): AsyncGenerator<Row[]> {
  let after = opts.after;
  for (;;) {
    const page = await readRows(sql, spec, after, limit, opts.columns);
    if (page.length > 0) yield page;
    if (page.length < limit) return;
    after = keyOf(spec, page[page.length - 1] as Row);
  }
}

export async function countRows(sql: Sql, spec: TableSpec): Promise<number> {
  return (await sql.value<number>(`SELECT COUNT(*) FROM ${spec.name}`)) ?? 0;
}

/** Those of `keys` this side has, mapped by keyText to their rows (or to just their key columns). */
export async function rowsAt(
  sql: Sql,
  spec: TableSpec,
  keys: readonly Key[],
  columns: readonly string[] = spec.columns,
): Promise<Map<string, Row>> {
  if (keys.length === 0) return new Map();
  const { where, params } = keyIn(spec, keys);
  const rows = await sql.all<Row>(
    `SELECT ${selectList(sql, spec, columns)} FROM ${spec.name} WHERE ${where}`,
    params,
  );
  return new Map(rows.map((r) => [keyText(keyOf(spec, r)), r]));
}

/**
 * Writes `rows` into the PostgreSQL target in one transaction: new keys are inserted, existing ones
 * brought up to date (a row the running source changed since an earlier pass), identical ones left
 * alone. The table's own triggers are off meanwhile (DDL is transactional, so only inside this
 * transaction): a copied job must not write a second `queued` event or a webhook delivery, since
 * the source's own rows for those arrive with job_events and webhook_deliveries. Resolves to the
 * number of rows written.
 */
export async function upsertRows(target: Sql, spec: TableSpec, rows: readonly Row[]): Promise<number> {
  if (rows.length === 0) return 0;
  const cols = spec.columns;
  const rest = cols.filter((c) => !spec.key.includes(c));
  const onConflict =
    rest.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET ${rest.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}
         WHERE (${rest.map((c) => `${spec.name}.${c}`).join(', ')})
           IS DISTINCT FROM (${rest.map((c) => `EXCLUDED.${c}`).join(', ')})`;
  const one = `(${cols.map(() => '?').join(', ')})`;
  const values = rows.map(() => one).join(', ');
  return target.transaction(async (tx) => {
    await tx.exec(`ALTER TABLE ${spec.name} DISABLE TRIGGER USER`);
    const written = await tx.run(
      `INSERT INTO ${spec.name} (${cols.join(', ')}) VALUES ${values}
       ON CONFLICT (${spec.key.join(', ')}) ${onConflict}`,
      rows.flatMap((r) => cols.map((c) => r[c])),
    );
    await tx.exec(`ALTER TABLE ${spec.name} ENABLE TRIGGER USER`);
    return written;
  });
}

export async function deleteKeys(target: Sql, spec: TableSpec, keys: readonly Key[]): Promise<number> {
  if (keys.length === 0) return 0;
  const { where, params } = keyIn(spec, keys);
  return target.run(`DELETE FROM ${spec.name} WHERE ${where}`, params);
}

/**
 * Moves every serial column's sequence (job_events.id, jobs.seq) past the highest copied value, so
 * the next row PostgreSQL numbers itself does not take a number a copied row holds.
 */
export async function resetSequences(target: Sql, specs: readonly TableSpec[]): Promise<void> {
  for (const spec of specs) {
    for (const column of spec.columns) {
      const seq = await target.value<string | null>('SELECT pg_get_serial_sequence(?, ?)', [
        spec.name,
        column,
      ]);
      if (!seq) continue;
      await target.value(
        `SELECT setval(?::regclass, COALESCE((SELECT MAX(${column}) FROM ${spec.name}), 0) + 1, false)`,
        [seq],
      );
    }
  }
}
