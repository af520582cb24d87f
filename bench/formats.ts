/**
 * `npm run bench:formats`: MP3 against WAV for the same job at 44.1 kHz, through the HTTP API. One
 * fresh server per build (default config: its workers, no packs); built-in en/ko/ja voices in turn
 * (the dialogue of bench/run.ts); jobs of 6 lines (~35 s of audio) and 120 lines (~11 min). After a
 * warm-up job, WAV and MP3 alternate, `--rounds` times each, so both see the same machine. Per job:
 * wall time from POST to the job reading succeeded (the client follows its event stream) and the
 * server's own time (started_at → finished_at). `--baseline DIR` measures the bundle built in DIR the
 * same way first (its MP3 path: lamejs after all lines). Traffic goes to 127.0.0.1 only.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Api } from '../test/helpers/api.js';
import { BUNDLE, removeDir, startServer } from '../test/helpers/server.js';
import { DIALOGUE } from './dialogue.js';
import { machine, writeResult } from './report.js';

interface Sample {
  format: string;
  lines: number;
  audio_seconds: number;
  wall_seconds: number;
  server_seconds: number;
}

async function main() {
  const { values } = parseArgs({
    options: {
      baseline: { type: 'string' },
      rounds: { type: 'string', default: '5' },
      lines: { type: 'string', default: '6,120' },
    },
  });
  const builds: Record<string, string> = {};
  if (values.baseline) builds.baseline = resolve(values.baseline, 'build', 'voicereel.cjs');
  builds.current = BUNDLE;
  const sizes = values.lines.split(',').map(Number);
  const results: Record<string, unknown> = {};
  for (const [name, bundle] of Object.entries(builds)) {
    results[name] = await run(bundle, sizes, Number(values.rounds));
  }
  const result = { date: new Date().toISOString(), machine: machine(), builds: results };
  writeResult('formats', result);
}

async function run(bundle: string, sizes: number[], rounds: number) {
  const server = await startServer({ command: [process.execPath, bundle] });
  const api = new Api(server.url, server.adminKey);
  try {
    await job(api, 'wav', 6); // warms every worker's voices up
    const out: Record<string, unknown> = {};
    for (const lines of sizes) {
      const samples: Sample[] = [];
      // Fewer rounds of the long job: each takes a while.
      const n = lines > 20 ? Math.max(1, Math.ceil(rounds / 2)) : rounds;
      for (let r = 0; r < n; r++)
        for (const format of ['wav', 'mp3']) samples.push(await job(api, format, lines));
      const median = (format: string, key: 'wall_seconds' | 'server_seconds') =>
        middle(samples.filter((s) => s.format === format).map((s) => s[key]));
      const wav = median('wav', 'wall_seconds');
      const mp3 = median('mp3', 'wall_seconds');
      out[`${lines}_lines`] = {
        audio_seconds: samples[0]!.audio_seconds,
        wav_wall_median_s: wav,
        mp3_wall_median_s: mp3,
        mp3_over_wav: round(mp3 / wav),
        wav_server_median_s: median('wav', 'server_seconds'),
        mp3_server_median_s: median('mp3', 'server_seconds'),
        mp3_over_wav_server: round(median('mp3', 'server_seconds') / median('wav', 'server_seconds')),
        samples,
      };
    }
    return out;
  } finally {
    await server.stop();
    removeDir(server.dataDir);
  }
}

async function job(api: Api, format: string, lines: number): Promise<Sample> {
  const script = Array.from({ length: lines }, (_, i) => {
    const [lang, text] = DIALOGUE[i % DIALOGUE.length]!;
    return { voice: `builtin-${lang}`, text };
  });
  const t0 = performance.now();
  const res = await api.json<{ job_id: string }>('POST', '/v1/synthesize', {
    script,
    output_format: format,
    sample_rate: 44100,
  });
  if (res.status !== 202) throw new Error(`synthesize refused: ${JSON.stringify(res.body)}`);
  const done = await api.waitJob(res.body.job_id, 3_600_000);
  const wall = (performance.now() - t0) / 1000;
  if (done.status !== 'succeeded') throw new Error(`job failed: ${JSON.stringify(done)}`);
  const server = (Date.parse(done.finished_at!) - Date.parse(done.started_at!)) / 1000;
  return {
    format,
    lines,
    audio_seconds: Number((done.result as { duration: number }).duration),
    wall_seconds: round(wall),
    server_seconds: round(server),
  };
}

function middle(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

await main();
