import { createHash } from 'node:crypto';
import type { Sql } from '../sql/client.js';
import { type Key, keyOf, keyText, pages, type Row, rowsAt } from './rows.js';
import type { TableSpec } from './tables.js';

const MODULUS = 1n << 256n;

/** A value as the checksum sees it: both drivers hand integers and reals over as JS numbers. */
function canonical(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return Object.is(v, -0) ? 0 : v;
  if (v instanceof Uint8Array) return { base64: Buffer.from(v).toString('base64') };
  return v;
}

/** SHA-256 of the row's canonical JSON (its columns in the spec's order), as a number. */
function rowHash(spec: TableSpec, row: Row): bigint {
  const text = JSON.stringify(spec.columns.map((c) => canonical(row[c])));
  return BigInt(`0x${createHash('sha256').update(text).digest('hex')}`);
}

export interface TableSum {
  rows: number;
  /** The sum of every row's SHA-256 modulo 2^256, as 64 hex digits. */
  checksum: string;
}

/**
 * A table's row count and checksum. The per-row hashes are added, not chained, so the result does
 * not depend on the order rows are read in: SQLite and PostgreSQL may sort text keys differently
 * (byte order against the database's collation), and each side can walk its own primary key index.
 */
export async function tableSum(sql: Sql, spec: TableSpec, batch: number): Promise<TableSum> {
  let sum = 0n;
  let rows = 0;
  for await (const page of pages(sql, spec, batch)) {
    for (const row of page) sum = (sum + rowHash(spec, row)) % MODULUS;
    rows += page.length;
  }
  return { rows, checksum: sum.toString(16).padStart(64, '0') };
}

export interface RowDifference {
  key: Key;
  problem: 'missing on target' | 'differs' | 'only on target';
}

/** Up to `max` rows that differ between the two sides, by key: what a mismatched checksum means. */
export async function diffTable(
  source: Sql,
  target: Sql,
  spec: TableSpec,
  batch: number,
  max: number,
): Promise<RowDifference[]> {
  const found: RowDifference[] = [];
  for await (const page of pages(source, spec, batch)) {
    const there = await rowsAt(
      target,
      spec,
      page.map((r) => keyOf(spec, r)),
    );
    for (const row of page) {
      const key = keyOf(spec, row);
      const other = there.get(keyText(key));
      if (!other) found.push({ key, problem: 'missing on target' });
      else if (rowHash(spec, row) !== rowHash(spec, other)) found.push({ key, problem: 'differs' });
    }
    if (found.length >= max) return found.slice(0, max);
  }
  for await (const page of pages(target, spec, batch, { columns: spec.key })) {
    const keys = page.map((r) => keyOf(spec, r));
    const here = await rowsAt(source, spec, keys, spec.key);
    for (const key of keys) if (!here.has(keyText(key))) found.push({ key, problem: 'only on target' });
    if (found.length >= max) break;
  }
  return found.slice(0, max);
}
