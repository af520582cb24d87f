import cron from 'node-cron';
import type { Logger } from 'pino';

export interface CronTask {
  name: string;
  schedule: string;
  run(): void | Promise<void>;
}

/**
 * The cron table. Each task is guarded so one failure is logged and never stops the schedule.
 * Schedules are read in UTC, whatever the machine's time zone (the monthly report follows UTC months).
 */
export function startCron(tasks: CronTask[], log: Logger): { stop(): void } {
  const scheduled = tasks.map((t) =>
    cron.schedule(
      t.schedule,
      async () => {
        try {
          await t.run();
        } catch (err) {
          log.error({ err, task: t.name }, 'scheduled task failed');
        }
      },
      { name: t.name, noOverlap: true, timezone: 'UTC' },
    ),
  );
  return {
    stop: () => {
      for (const s of scheduled) void s.stop();
    },
  };
}
