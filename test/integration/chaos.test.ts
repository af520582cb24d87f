import { describe, expect, it } from 'vitest';
import { runCrash } from '../chaos/crash.js';
import { runDiskFull } from '../chaos/disk-full.js';
import { CATEGORIES } from '../chaos/fuzz-cases.js';
import { runFuzz } from '../chaos/fuzz.js';
import { runRestart } from '../chaos/restart.js';

/**
 * The chaos suite (`npm run test:chaos`, docs/reliability.md) in a small setting, so every CI run
 * keeps its promises: a few hundred hostile requests, three kill -9 rounds, the disk-full check
 * (where this runner may mount a tmpfs) and one SIGTERM under load, against the real server.
 */
const log = () => undefined;
const verdict = (r: { pass: boolean; fail_reasons: string[] }) =>
  expect(r.pass, `failed: ${r.fail_reasons.join('; ')}\n${JSON.stringify(r, null, 1).slice(0, 4000)}`).toBe(
    true,
  );

describe('chaos suite, small setting', () => {
  it('fuzz: 300 hostile requests get no 5xx, only shaped errors, and leave nothing behind', async () => {
    const report = await runFuzz({
      count: 300,
      seed: 1,
      concurrency: 4,
      categories: CATEGORIES,
      timeLimitMs: 60_000,
      rssPeakLimitMiB: 768,
      rssGrowthLimitMiB: 256,
      log,
    });
    expect(report.requests).toBeGreaterThanOrEqual(300);
    verdict(report);
  }, 120_000);

  it('crash: kill -9 three times under mixed load loses, duplicates and corrupts nothing', async () => {
    const report = await runCrash({ kills: 3, seed: 1, settleTimeoutMs: 60_000, log });
    expect(report.accepted).toBeGreaterThan(0);
    verdict(report);
  }, 180_000);

  it('disk full: the job fails saying so, the server answers, and work resumes once space is freed', async (ctx) => {
    const report = await runDiskFull(log);
    if (report.skipped) ctx.skip(report.skipped);
    verdict(report);
  }, 180_000);

  it('restart: SIGTERM with uploads and jobs in flight loses nothing accepted', async () => {
    const report = await runRestart(1, 1, log);
    verdict(report);
  }, 180_000);
});
