import type { Sql } from './sql/client.js';

/** Runs of once-per-period scheduled tasks (the monthly usage report), so a restart never repeats one. */
export class CronRunsRepo {
  constructor(private readonly sql: Sql) {}

  async has(task: string, period: string): Promise<boolean> {
    return (
      (await this.sql.value('SELECT 1 FROM cron_runs WHERE task = ? AND period = ?', [task, period])) !==
      undefined
    );
  }

  /**
   * Claims this tick of a periodic task: true for the first caller (on any node) since `minGapMs`
   * ago, false for the others, in one statement.
   */
  async claimTick(task: string, at: number, minGapMs: number): Promise<boolean> {
    const changed = await this.sql.run(
      `INSERT INTO task_ticks (task, last_at) VALUES (?, ?)
       ON CONFLICT (task) DO UPDATE SET last_at = excluded.last_at WHERE task_ticks.last_at <= ?`,
      [task, at, at - minGapMs],
    );
    return changed > 0;
  }

  /** Records a run; false when the period was already recorded (the first run stands). */
  async record(task: string, period: string, ranAt: number): Promise<boolean> {
    const insert = this.sql.dialect.insertIgnore('cron_runs', 'task, period, ran_at', '?, ?, ?');
    return (await this.sql.run(insert, [task, period, ranAt])) === 1;
  }
}
