import type { Db } from './db.js';

/** Runs of once-per-period scheduled tasks (the monthly usage report), so a restart never repeats one. */
export class CronRunsRepo {
  constructor(private readonly db: Db) {}

  has(task: string, period: string): boolean {
    return (
      this.db.prepare('SELECT 1 FROM cron_runs WHERE task = ? AND period = ?').pluck().get(task, period) !==
      undefined
    );
  }

  /** Records a run; false when the period was already recorded (the first run stands). */
  record(task: string, period: string, ranAt: number): boolean {
    return (
      this.db
        .prepare('INSERT OR IGNORE INTO cron_runs (task, period, ran_at) VALUES (?, ?, ?)')
        .run(task, period, ranAt).changes === 1
    );
  }
}
