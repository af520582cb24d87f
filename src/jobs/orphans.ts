import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { FileStore } from '../services/file-store.js';
import type { Store } from '../store/index.js';

/** Upload temp folders live here, under the data dir (see the multipart body parser). */
export const UPLOAD_TMP_DIR = 'tmp';

/**
 * What a crash (kill -9, power loss) can leave between writing a file and committing the row that
 * names it: request upload folders, FileStore's half-written `*.tmp` files, reference audio of a
 * speaker that was never stored, job output of a job that never succeeded. Runs at start-up, after
 * recovery and before the API and the job runner start, so nothing it removes can be in use; a file
 * some row names is never touched.
 */
export async function sweepOrphans(store: Store, files: FileStore, log: Logger): Promise<string[]> {
  const kept = new Set([...(await store.files.allPaths()), ...(await store.speakers.referenceFiles())]);
  const removed = files.listFiles(UPLOAD_TMP_DIR);
  files.remove(UPLOAD_TMP_DIR);
  for (const rel of [...files.listFiles('references'), ...files.listFiles('jobs')]) {
    if (kept.has(rel)) continue;
    files.remove(rel);
    removed.push(rel);
    if (rel.startsWith('jobs/')) files.removeDirIfEmpty(dirname(rel));
  }
  if (removed.length > 0) {
    log.warn(
      { removed: removed.length, paths: removed.slice(0, 50) },
      'removed files an interrupted request or job left behind',
    );
  }
  return removed;
}
