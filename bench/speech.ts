/**
 * `npm run bench:speech`: time to first byte and total time of POST /v1/audio/speech (OpenAI
 * compatible, streamed), for 1 and 8 concurrent requests against a freshly started server, as JSON
 * (stdout and bench/results/). Built-in English voice, a five-sentence paragraph, mp3 and pcm, with
 * the latency of GET /healthz meanwhile. `--baseline DIR` measures the bundle built in DIR first.
 * Traffic goes to 127.0.0.1 only; every loop is bounded.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BUNDLE, removeDir, startServer } from '../test/helpers/server.js';
import { machine, writeResult } from './report.js';

const INPUT =
  'Welcome to the quarterly review. Revenue grew by twelve percent this quarter, mostly from new markets. ' +
  'The team shipped three releases on schedule. Support tickets fell by a fifth. ' +
  'Next quarter we focus on reliability and on the new voice features.';
const RUNS = 3;

interface Sample {
  ttfb_ms: number;
  total_ms: number;
  bytes: number;
}

async function once(url: string, key: string, format: string): Promise<Sample> {
  const start = performance.now();
  const res = await fetch(`${url}/v1/audio/speech`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: 'tts-1', voice: 'builtin-en', input: INPUT, response_format: format }),
  });
  if (res.status !== 200) throw new Error(`speech refused: ${res.status} ${await res.text()}`);
  const reader = res.body!.getReader();
  let ttfb = 0;
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (bytes === 0) ttfb = performance.now() - start;
    bytes += value.length;
  }
  return { ttfb_ms: ttfb, total_ms: performance.now() - start, bytes };
}

function summary(samples: Sample[]) {
  const stat = (k: 'ttfb_ms' | 'total_ms') => {
    const v = samples.map((s) => s[k]).sort((a, b) => a - b);
    return {
      median: Math.round(v[Math.floor(v.length / 2)]!),
      max: Math.round(v.at(-1)!),
    };
  };
  return { requests: samples.length, ttfb_ms: stat('ttfb_ms'), total_ms: stat('total_ms') };
}

/** GET /healthz every 50 ms while speech is made: the event loop's responsiveness. */
function probeLoop(url: string) {
  const times: number[] = [];
  let running = true;
  const loop = (async () => {
    for (let i = 0; running && i < 10_000; i++) {
      const t = performance.now();
      await (await fetch(`${url}/healthz`)).arrayBuffer();
      times.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      const v = times.sort((a, b) => a - b);
      return {
        samples: v.length,
        median: Math.round(v[Math.floor(v.length / 2)] ?? 0),
        p99: Math.round(v[Math.floor(v.length * 0.99)] ?? 0),
        max: Math.round(v.at(-1) ?? 0),
      };
    },
  };
}

async function main() {
  const { values } = parseArgs({ options: { baseline: { type: 'string' } } });
  const builds: Record<string, string> = {};
  if (values.baseline) builds.baseline = resolve(values.baseline, 'build', 'voicereel.cjs');
  builds.current = BUNDLE;
  const speech: Record<string, unknown> = {};
  for (const [name, bundle] of Object.entries(builds)) speech[name] = await measure(bundle);
  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    input_characters: INPUT.length,
    runs_per_level: RUNS,
    speech: values.baseline ? speech : speech.current,
  };
  writeResult('speech', result);
}

/** One fresh server of the bundle: each format at 1 and at 8 concurrent requests. */
async function measure(bundle: string) {
  const server = await startServer({ command: [process.execPath, bundle] });
  try {
    // One warm-up request: the first render on each worker loads its voices.
    await once(server.url, server.adminKey, 'mp3');
    const results: Record<string, unknown> = {};
    for (const format of ['mp3', 'pcm']) {
      for (const concurrency of [1, 8]) {
        const samples: Sample[] = [];
        const probe = probeLoop(server.url);
        for (let r = 0; r < RUNS; r++) {
          samples.push(
            ...(await Promise.all(
              Array.from({ length: concurrency }, () => once(server.url, server.adminKey, format)),
            )),
          );
        }
        results[`${format}_c${concurrency}`] = { ...summary(samples), healthz_ms: await probe.stop() };
      }
    }
    return results;
  } finally {
    await server.stop();
    removeDir(server.dataDir);
  }
}

await main();
