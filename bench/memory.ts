/**
 * `npm run bench:memory`: the server's resident memory at /readyz (all threads: VmRSS of the server
 * process from /proc) and its time from spawn to /readyz, with no model packs and the default
 * workers. `--binary FILE` also measures the release executable; `--baseline DIR` also measures the bundle built in DIR (another checkout after
 * `npm run build`), alternating the two in one run so both see the same machine load.
 * Traffic goes to 127.0.0.1 only; rounds are bounded.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BUNDLE, removeDir, startServer } from '../test/helpers/server.js';
import { machine, writeResult } from './report.js';

interface Sample {
  ready_ms: number;
  rss_mib: number;
  threads: number;
}

async function main() {
  const { values } = parseArgs({
    options: {
      baseline: { type: 'string' },
      binary: { type: 'string' },
      rounds: { type: 'string', default: '3' },
    },
  });
  const bundles: Record<string, string[]> = { current: [process.execPath, BUNDLE] };
  if (values.baseline)
    bundles.baseline = [process.execPath, resolve(values.baseline, 'build', 'voicereel.cjs')];
  // The release executable (npm run build:binary → dist/voicereel-*/voicereel): its cold start.
  if (values.binary) bundles.release_binary = [resolve(values.binary)];
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(bundles).map((k) => [k, []]));
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const [name, bundle] of Object.entries(bundles)) samples[name]!.push(await measure(bundle));
  }
  const summary = Object.fromEntries(
    Object.entries(samples).map(([name, s]) => [
      name,
      {
        rss_mib_median: median(s.map((x) => x.rss_mib)),
        ready_ms_median: median(s.map((x) => x.ready_ms)),
        samples: s,
      },
    ]),
  );
  const result = { date: new Date().toISOString(), machine: machine(), readyz: summary };
  writeResult('memory', result);
}

/** One fresh server: spawn → /readyz answered 200, then RSS after a second's settling. */
async function measure(command: string[]): Promise<Sample> {
  const t0 = performance.now();
  const server = await startServer({ command: command as [string, ...string[]] });
  const ready = performance.now() - t0;
  try {
    await new Promise((r) => setTimeout(r, 1000));
    return { ready_ms: Math.round(ready), ...processMemory(server.proc.pid!) };
  } finally {
    await server.stop();
    removeDir(server.dataDir);
  }
}

export function processMemory(pid: number): { rss_mib: number; threads: number } {
  const status = readFileSync(join('/proc', String(pid), 'status'), 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rss_mib: Math.round(field('VmRSS') / 1024), threads: field('Threads') };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
