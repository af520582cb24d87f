import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/** The machine a benchmark ran on, as the results record it. */
export function machine() {
  return {
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

/** Prints a result and writes it to bench/results/<prefix>-<date>.json (not committed). */
export function writeResult(prefix: string, result: { date: string }): void {
  mkdirSync('bench/results', { recursive: true });
  const file = join('bench/results', `${prefix}-${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
  console.log(`written to ${file}`);
}
