import type { Logger } from 'pino';
import { type Clock, monthOf } from '../lib/clock.js';
import { buildUsageReport, type UsageReport, usageReportCsv } from '../services/usage.js';
import type { CronRunsRepo } from '../store/cron-runs-repo.js';
import type { UsageRepo } from '../store/usage-repo.js';

/** The task name recorded in `cron_runs`, one row per reported month. */
export const USAGE_REPORT_TASK = 'usage-report';

/** Where reports go: anything that writes a file atomically (LocalObjectStore on the reports dir does). */
export interface ReportWriter {
  /** Writes `name` under the reports dir via a temp file and a rename, so no half-written report. */
  put(name: string, data: string): Promise<unknown>;
}

export type ReportFormat = 'json' | 'csv';

/** `YYYY-MM` of the UTC month before the one holding `ms`. */
export function previousMonth(ms: number): string {
  const d = new Date(ms);
  return monthOf(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1));
}

export function reportFileName(month: string, format: ReportFormat): string {
  return `usage-${month}.${format}`;
}

/** The report as the files (and `voicereel usage report`) hold it. */
export function renderUsageReport(report: UsageReport, format: ReportFormat, generatedAt: number): string {
  if (format === 'csv') return usageReportCsv(report);
  const { month, ...rest } = report;
  const generated_at = new Date(generatedAt).toISOString();
  return `${JSON.stringify({ month, generated_at, ...rest }, null, 2)}\n`;
}

export interface MonthlyReportDeps {
  usage: UsageRepo;
  runs: CronRunsRepo;
  files: ReportWriter;
  clock: Clock;
  log: Logger;
}

export type MonthlyReportOutcome =
  { month: string; written: false } | { month: string; written: true; files: string[] };

/**
 * Writes last month's usage report (JSON and CSV, per key, per project and in total) unless
 * `cron_runs` says it was written already. The same call serves the monthly cron entry and the
 * catch-up at start-up (the server may have been down on the 1st), so whichever comes first writes
 * it and the other does nothing. The run is recorded only after both files are in place: a crash in
 * between rewrites the same files at the next start, never skips them.
 */
export async function runMonthlyUsageReport(deps: MonthlyReportDeps): Promise<MonthlyReportOutcome> {
  const now = deps.clock.now();
  const month = previousMonth(now);
  if (await deps.runs.has(USAGE_REPORT_TASK, month)) {
    deps.log.debug({ month }, 'monthly usage report already written');
    return { month, written: false };
  }
  const report = await buildUsageReport(deps.usage, month);
  const files: string[] = [];
  for (const format of ['json', 'csv'] as const) {
    const name = reportFileName(month, format);
    await deps.files.put(name, renderUsageReport(report, format, now));
    files.push(name);
  }
  await deps.runs.record(USAGE_REPORT_TASK, month, now);
  deps.log.info(
    { month, files, keys: report.keys.length, projects: report.projects.length, total: report.total },
    'monthly usage report written',
  );
  return { month, written: true, files };
}
