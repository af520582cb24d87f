import type { Sql } from '../sql/client.js';
import { deleteKeys, type Key, keyOf, keyText, pages, rowsAt, upsertRows } from './rows.js';
import type { TableSpec } from './tables.js';

/**
 * Deletes from the target, batch by batch, the rows whose keys the source does not have: rows the
 * running source deleted since an earlier pass (expired files, old signatures), so a later pass
 * leaves the target equal to the source again. Resolves to how many were deleted.
 */
export async function pruneTable(source: Sql, target: Sql, spec: TableSpec, batch: number): Promise<number> {
  let removed = 0;
  for await (const page of pages(target, spec, batch, { columns: spec.key })) {
    const keys = page.map((r) => keyOf(spec, r));
    const kept = await rowsAt(source, spec, keys, spec.key);
    removed += await deleteKeys(
      target,
      spec,
      keys.filter((k) => !kept.has(keyText(k))),
    );
  }
  return removed;
}

/** What one committed batch of a copy did, told to the caller's progress note. */
export interface CopiedBatch {
  /** The batch's last key: a resumed copy starts after it. */
  last: Key;
  read: number;
  written: number;
}

/**
 * Copies the source's rows after `after` (all of them when undefined) in batches of `batch`, each
 * batch in its own transaction; `onBatch` hears of each once it is committed.
 */
export async function copyTable(
  source: Sql,
  target: Sql,
  spec: TableSpec,
  batch: number,
  after: Key | undefined,
  onBatch: (done: CopiedBatch) => void,
): Promise<void> {
  for await (const page of pages(source, spec, batch, { after })) {
    const written = await upsertRows(target, spec, page);
    onBatch({ last: keyOf(spec, page[page.length - 1] ?? {}), read: page.length, written });
  }
}
