import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.js';
import type { FileStore } from '../services/file-store.js';
import type { Store } from '../store/index.js';

export interface CleanupReport {
  files: number;
  references: number;
  signatures: number;
}

/**
 * The retention sweep: expired job files and reference audio older than the retention period.
 * Rows go first only after their file is gone (or already missing), so a crash mid-sweep simply
 * leaves work for the next run. Speakers keep their voice profile; only the recording is deleted,
 * and only once the registration that analyses it has finished.
 */
export function runCleanup(
  store: Store,
  files: FileStore,
  clock: Clock,
  retentionHours: number,
  log: Logger,
): CleanupReport {
  const now = clock.now();
  const report: CleanupReport = { files: 0, references: 0, signatures: store.signatures.purge(now) };
  if (retentionHours > 0) {
    for (const f of store.files.expired(now)) {
      files.remove(f.rel_path);
      store.files.delete(f.id);
      files.removeDirIfEmpty(dirname(f.rel_path));
      report.files++;
    }
    for (const s of store.speakers.referencesCreatedBefore(now - retentionHours * 3600_000)) {
      files.remove(s.reference_file);
      store.speakers.clearReference(s.id, now);
      report.references++;
    }
  }
  if (report.files + report.references > 0) log.info(report, 'retention cleanup deleted expired files');
  return report;
}
