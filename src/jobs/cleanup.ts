import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.js';
import type { Store } from '../store/index.js';
import type { ObjectStore } from '../store/objects/object-store.js';

export interface CleanupReport {
  files: number;
  references: number;
  signatures: number;
  /** Event history rows of jobs finished longer ago than the retention period. */
  events: number;
  /** Idempotency-Key answers past their 24 h. */
  idempotency: number;
}

/**
 * The retention sweep: expired job files and reference audio older than the retention period.
 * Rows go first only after their file is gone (or already missing: a file deleted by hand is no
 * error), so a crash mid-sweep simply leaves work for the next run. One file that cannot be deleted
 * (permissions, I/O error) is logged and kept for the next run; the sweep goes on with the others.
 * Speakers keep their voice profile; only the recording is deleted, and only once the registration
 * that analyses it has finished. A canceled registration's recording is deleted whatever the retention. The log line names what was deleted (keys: paths under the data dir, or in the bucket).
 */
export async function runCleanup(
  store: Store,
  objects: ObjectStore,
  clock: Clock,
  retentionHours: number,
  log: Logger,
): Promise<CleanupReport> {
  const now = clock.now();
  const report: CleanupReport = {
    files: 0,
    references: 0,
    signatures: await store.signatures.purge(now),
    events: 0,
    idempotency: await store.idempotency.purge(now),
  };
  const deleted: string[] = [];
  const attempt = async (
    path: string,
    what: Record<string, string>,
    fn: () => void | Promise<void>,
  ): Promise<boolean> => {
    try {
      await fn();
      return true;
    } catch (err) {
      log.warn({ err, path, ...what }, 'retention cleanup could not delete');
      return false;
    }
  };
  if (retentionHours > 0) {
    report.events = await store.jobEvents.purgeFinishedBefore(now - retentionHours * 3600_000);
    for (const f of await store.files.expired(now)) {
      const gone = await attempt(f.rel_path, { job_id: f.job_id }, async () => {
        // The local store also removes the job's folder with its last file.
        await objects.remove(f.rel_path);
        await store.files.delete(f.id);
      });
      if (!gone) continue;
      report.files++;
      deleted.push(f.rel_path);
    }
  }
  // Whatever the retention: a canceled registration's recording is deleted when it is canceled; one
  // left behind by a failed delete or a crash just after the cancel goes at the next sweep.
  const references = [
    ...(retentionHours > 0
      ? await store.speakers.referencesCreatedBefore(now - retentionHours * 3600_000)
      : []),
    ...(await store.speakers.canceledReferences()),
  ];
  for (const s of new Map(references.map((r) => [r.id, r])).values()) {
    const gone = await attempt(s.reference_file, { speaker_id: s.id }, async () => {
      await objects.remove(s.reference_file);
      await store.speakers.clearReference(s.id, now);
    });
    if (!gone) continue;
    report.references++;
    deleted.push(s.reference_file);
  }
  if (report.files + report.references > 0) {
    const shown = deleted.slice(0, MAX_LOGGED_PATHS);
    const more = deleted.length - shown.length;
    log.info(
      { ...report, deleted: shown, ...(more > 0 ? { deleted_more: more } : {}) },
      'retention cleanup deleted expired files',
    );
  }
  return report;
}

/** Paths named in one log line; a larger sweep says how many more there were. */
const MAX_LOGGED_PATHS = 100;
