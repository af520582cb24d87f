import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Clock } from '../lib/clock.js';
import type { UsageMeter } from '../services/usage.js';
import type { Store } from '../store/index.js';
import { LocalObjectStore } from '../store/objects/local.js';
import type { ObjectStore } from '../store/objects/object-store.js';
import { runCleanup } from './cleanup.js';
import { startCron } from './cron.js';
import { runMonthlyUsageReport, USAGE_REPORT_TASK } from './monthly-report.js';

export interface ScheduleDeps {
  store: Store;
  /** Job audio, captions and references (data dir or bucket), which the retention sweep deletes. */
  objects: ObjectStore;
  usage: UsageMeter;
  clock: Clock;
  storage: Config['storage'];
  log: Logger;
}

const CLEANUP_TASK = 'retention-cleanup';

/**
 * Ticks of the sweep closer than this are one tick seen by several nodes (whose clocks differ by a
 * little): half a second for a schedule with a seconds field, else 30 s (cron ticks are minutes apart).
 */
function sameTickWithin(schedule: string): number {
  return schedule.trim().split(/\s+/).length === 6 ? 500 : 30_000;
}

/**
 * The server's cron table: the retention sweep and the monthly usage report. Both run once now, so
 * what fell due while the server was down is done at start (a failed report is logged, not fatal),
 * then on their configured schedules.
 */
export async function startSchedule(deps: ScheduleDeps): Promise<{ stop(): void }> {
  const { store, objects, usage, clock, storage, log } = deps;
  const sweep = () => runCleanup(store, objects, clock, storage.retention_hours, log);
  const cleanup = async () => {
    // Nodes sharing a database fire together: the first to claim the tick sweeps, the others skip.
    if (
      !(await store.cronRuns.claimTick(CLEANUP_TASK, clock.now(), sameTickWithin(storage.cleanup_schedule)))
    )
      return;
    await sweep();
  };
  // At start always: what fell due while this node was down (or a restart moments ago) is done now.
  await sweep();
  const usageReport = async () => {
    await usage.flush();
    // Reports stay on a node's disk whatever the backend: operators collect them from there. Checked,
    // written and recorded under one cluster-wide lock, so one node writes each month's report.
    const reports = new LocalObjectStore(storage.reports_dir);
    await store.sql.exclusive(USAGE_REPORT_TASK, () =>
      runMonthlyUsageReport({ usage: store.usage, runs: store.cronRuns, files: reports, clock, log }),
    );
  };
  // Catch-up: last month's report is written now if the server was down when it was due.
  try {
    await usageReport();
  } catch (err) {
    log.error({ err, task: USAGE_REPORT_TASK }, 'scheduled task failed');
  }
  return startCron(
    [
      { name: CLEANUP_TASK, schedule: storage.cleanup_schedule, run: cleanup },
      { name: USAGE_REPORT_TASK, schedule: storage.usage_report_schedule, run: usageReport },
    ],
    log,
  );
}
