/**
 * `npm run test:chaos`: the fuzz and fault suite against the real bundled server (build/voicereel.cjs).
 * Every check is bounded in count and time and talks to 127.0.0.1 only. The figures are printed as
 * JSON and written to --out. Exit code 0 only when every check that ran passed.
 *
 *   --checks fuzz,crash,disk-full,restart   which checks (default: all)
 *   --count N          fuzz requests (default 10000)
 *   --seed N           PRNG seed for the fuzzer and the kill moments (default 1)
 *   --concurrency N    fuzz connections at once (default 8)
 *   --kills N          kill -9 rounds in the crash check (default 20)
 *   --restarts N       SIGTERM rounds in the restart check (default 3)
 *   --out FILE         where the JSON goes (default chaos-results.json)
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { CATEGORIES, type Category } from './fuzz-cases.js';
import { runChecks, type ChaosSettings, CHECKS, type CheckName } from './suite.js';

const { values } = parseArgs({
  options: {
    checks: { type: 'string', default: CHECKS.join(',') },
    count: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '8' },
    categories: { type: 'string', default: CATEGORIES.join(',') },
    kills: { type: 'string', default: '20' },
    restarts: { type: 'string', default: '3' },
    out: { type: 'string', default: 'chaos-results.json' },
  },
});

function list<T extends string>(value: string, allowed: readonly T[], flag: string): T[] {
  const items = value.split(',').filter(Boolean);
  const bad = items.filter((i) => !(allowed as readonly string[]).includes(i));
  if (bad.length > 0)
    throw new Error(`--${flag}: unknown ${bad.join(', ')} (allowed: ${allowed.join(', ')})`);
  return items as T[];
}

function int(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${flag} must be a whole number, got ${value}`);
  return n;
}

const settings: ChaosSettings = {
  checks: list<CheckName>(values.checks, CHECKS, 'checks'),
  count: int(values.count, 'count'),
  seed: int(values.seed, 'seed'),
  concurrency: Math.max(1, int(values.concurrency, 'concurrency')),
  categories: list<Category>(values.categories, CATEGORIES, 'categories'),
  kills: int(values.kills, 'kills'),
  restarts: int(values.restarts, 'restarts'),
  log: (line) => console.error(line),
};

const started = new Date();
const results = await runChecks(settings);
const report = {
  date: started.toISOString(),
  machine: {
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  },
  settings: { ...settings, log: undefined },
  minutes: Math.round((Date.now() - started.getTime()) / 600) / 100,
  pass: Object.values(results).every((r) => r.pass || ('skipped' in r && r.skipped !== undefined)),
  results,
};
const json = JSON.stringify(report, null, 2);
writeFileSync(values.out, json + '\n');
console.log(json);
console.error(`written to ${values.out}`);
process.exitCode = report.pass ? 0 : 1;
