import type { Category } from './fuzz-cases.js';
import { type CrashReport, runCrash } from './crash.js';
import { type DiskFullReport, runDiskFull } from './disk-full.js';
import { type RestartReport, runRestart } from './restart.js';
import { type FuzzReport, runFuzz } from './fuzz.js';

export const CHECKS = ['fuzz', 'crash', 'disk-full', 'restart'] as const;
export type CheckName = (typeof CHECKS)[number];

export interface ChaosSettings {
  checks: CheckName[];
  count: number;
  seed: number;
  concurrency: number;
  categories: Category[];
  kills: number;
  restarts: number;
  log: (line: string) => void;
}

export type CheckResult = { pass: boolean; skipped?: string; fail_reasons?: string[] } & Record<
  string,
  unknown
>;

/** Runs the chosen checks one after another (each on its own server and data dir). */
export async function runChecks(s: ChaosSettings): Promise<Partial<Record<CheckName, CheckResult>>> {
  const out: Partial<Record<CheckName, CheckResult>> = {};
  for (const check of s.checks) {
    s.log(`chaos: ${check}…`);
    out[check] = await RUNNERS[check](s);
    s.log(
      `chaos: ${check} ${out[check]?.skipped ? `skipped (${out[check]?.skipped})` : out[check]?.pass ? 'passed' : 'FAILED'}`,
    );
  }
  return out;
}

const RUNNERS: Record<CheckName, (s: ChaosSettings) => Promise<CheckResult>> = {
  fuzz: async (s) =>
    (await runFuzz({
      count: s.count,
      seed: s.seed,
      concurrency: s.concurrency,
      categories: s.categories,
      timeLimitMs: Math.max(60_000, s.count * 100),
      rssPeakLimitMiB: 768,
      rssGrowthLimitMiB: 256,
      log: s.log,
    })) as FuzzReport & CheckResult,
  crash: async (s) =>
    (await runCrash({
      kills: s.kills,
      seed: s.seed,
      settleTimeoutMs: 180_000,
      log: s.log,
    })) as CrashReport & CheckResult,
  'disk-full': async (s) => (await runDiskFull(s.log)) as DiskFullReport & CheckResult,
  restart: async (s) => (await runRestart(s.restarts, s.seed, s.log)) as RestartReport & CheckResult,
};
