import type { Logger } from 'pino';
import type { Store } from '../store/index.js';
import { SCRATCH_DIR } from '../services/scratch-file.js';
import type { ObjectStore } from '../store/objects/object-store.js';

/** Upload temp folders live here, under the data dir (see the multipart body parser). */
export const UPLOAD_TMP_DIR = 'tmp';

/**
 * How old an object in a shared bucket must be before the sweep may take it for an orphan. Another
 * node writes a job's files or a reference and names them in a row within seconds; an hour leaves
 * any such write alone (a node that died between the two leaves its objects for a later sweep).
 */
export const SHARED_ORPHAN_GRACE_MS = 60 * 60 * 1000;

export interface SweepTargets {
  /** Job audio, captions and references: the data dir or the bucket. */
  objects: Pick<ObjectStore, 'list' | 'remove'>;
  /** This node's own data dir, where the upload temp folders are. */
  local: Pick<ObjectStore, 'list' | 'remove'>;
  /**
   * Only objects last written before this (ms since the epoch) are considered: a bucket other nodes
   * write to. Undefined (the data dir, one node, nothing else running yet): every object is.
   */
  modifiedBefore?: number;
}

/**
 * What a crash (kill -9, power loss) can leave between writing a file and committing the row that
 * names it: request upload folders, programmes half-written to scratch, the local store's `*.tmp` files, reference audio of
 * a speaker that was never stored, job output of a job that never succeeded. On the data dir it runs
 * at start-up, after recovery and before the API and the job runner start, so nothing it removes can
 * be in use; on a shared bucket only objects older than the grace period go. A file some row names
 * is never touched.
 */
export async function sweepOrphans(store: Store, at: SweepTargets, log: Logger): Promise<string[]> {
  const kept = new Set([...(await store.files.allPaths()), ...(await store.speakers.referenceFiles())]);
  const removed = [...(await at.local.list(UPLOAD_TMP_DIR)), ...(await at.local.list(SCRATCH_DIR))];
  await at.local.remove(UPLOAD_TMP_DIR);
  await at.local.remove(SCRATCH_DIR);
  const options = { modifiedBefore: at.modifiedBefore };
  const stored = [
    ...(await at.objects.list('references', options)),
    ...(await at.objects.list('jobs', options)),
  ];
  for (const key of stored) {
    if (kept.has(key)) continue;
    // The local store also removes a job's folder with its last file.
    await at.objects.remove(key);
    removed.push(key);
  }
  if (removed.length > 0) {
    log.warn(
      { removed: removed.length, paths: removed.slice(0, 50) },
      'removed files an interrupted request or job left behind',
    );
  }
  return removed;
}
