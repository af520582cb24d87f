/**
 * `npm run bench`: figures for docs/benchmarks.md, written as JSON to bench/results/.
 * 1. Real-time factor of the built-in engine for a ~30 s three-speaker dialogue, end to end through
 *    the HTTP API (accepted → succeeded), several runs.
 * 2. Latency and throughput of GET /v1/jobs/{id} while the synthesis pool is saturated: the event
 *    loop must stay responsive because synthesis runs on worker threads.
 * Traffic goes to 127.0.0.1 only; every loop is bounded in count and time.
 */
import { Api } from '../test/helpers/api.js';
import { espeakReference, JAPANESE_TEXT, KOREAN_TEXT, librivoxReference } from '../test/helpers/fixtures.js';
import { removeDir, startServer } from '../test/helpers/server.js';
import { DIALOGUE } from './dialogue.js';
import { hammer, keepBusy } from './poll.js';
import { machine, writeResult } from './report.js';

async function main() {
  const server = await startServer();
  const api = new Api(server.url, server.adminKey);
  try {
    const speakers = await registerSpeakers(api);
    const script = DIALOGUE.map(([lang, text]) => ({ speaker_id: speakers[lang], text }));
    const rtf = await realTimeFactor(api, script, 5);
    const polling = await pollLatencyUnderLoad(api, script);
    const result = {
      date: new Date().toISOString(),
      machine: machine(),
      engine_rtf: rtf,
      job_poll_under_load: polling,
    };
    writeResult('bench', result);
  } finally {
    await server.stop();
    removeDir(server.dataDir);
  }
}

async function registerSpeakers(api: Api): Promise<Record<'en' | 'ko' | 'ja', string>> {
  const refs = {
    en: { ...librivoxReference(), name: 'Narrator' },
    ko: { ...espeakReference('bench-ko', 'ko+f3', KOREAN_TEXT, 2, 70, 170), name: 'Minji' },
    ja: { ...espeakReference('bench-ja', 'ja+m3', JAPANESE_TEXT, 3, 35, 150), name: 'Kenji' },
  };
  const ids: Record<string, string> = {};
  for (const [lang, ref] of Object.entries(refs)) {
    const res = await api.registerSpeaker({ name: ref.name, lang, script: ref.script, file: ref.file });
    if (res.status !== 202) throw new Error(`registration failed: ${JSON.stringify(res.body)}`);
    const job = await api.waitJob(String(res.body.job_id));
    if (job.status !== 'succeeded') throw new Error(`registration job failed: ${JSON.stringify(job)}`);
    ids[lang] = String(res.body.speaker_id);
  }
  return ids as Record<'en' | 'ko' | 'ja', string>;
}

async function synthesize(api: Api, script: unknown, extra: Record<string, unknown> = {}) {
  const res = await api.json<{ job_id: string }>('POST', '/v1/synthesize', {
    script,
    output_format: 'wav',
    sample_rate: 24000,
    ...extra,
  });
  if (res.status !== 202) throw new Error(`synthesize refused: ${JSON.stringify(res.body)}`);
  return res.body.job_id;
}

async function realTimeFactor(api: Api, script: unknown, runs: number) {
  const samples: Array<{ audio_seconds: number; wall_seconds: number; rtf: number }> = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const job = await api.waitJob(await synthesize(api, script), 600_000);
    const wall = (performance.now() - t0) / 1000;
    const audio = Number((job.result as { duration: number }).duration);
    samples.push({ audio_seconds: audio, wall_seconds: round(wall), rtf: round(wall / audio) });
  }
  // The first run includes each worker's one-off voice calibration; the rest are steady state.
  const warm = samples
    .slice(1)
    .map((s) => s.rtf)
    .sort((a, b) => a - b);
  return {
    runs: samples,
    first_run_rtf: samples[0]?.rtf,
    warm_median_rtf: warm[Math.floor(warm.length / 2)],
    note: 'wall time from POST to succeeded (polled every 150 ms) / audio seconds; < 1 is faster than real time',
  };
}

/**
 * Hammers GET /v1/jobs/{id} for a fixed time with `concurrency` keep-alive clients, twice: with the
 * pool idle (baseline) and with a feeder keeping synthesis jobs queued the whole time (busy).
 */
async function pollLatencyUnderLoad(api: Api, script: unknown) {
  const target = await synthesize(api, script);
  await api.waitJob(target);
  const idle = await hammer(api, target, async () => undefined);
  const long = Array.from({ length: 5 }, () => script).flat();
  const submitted: string[] = [];
  let completed = 0;
  const busy = await hammer(api, target, async (stopAt) => {
    // Keep at least three long jobs queued or running until the window closes.
    completed = await keepBusy(api, stopAt, () => synthesize(api, long), submitted);
  });
  for (const id of submitted) await api.json('DELETE', `/v1/jobs/${id}`);
  return {
    idle,
    busy: { ...busy, synthesis_jobs_completed_during_window: completed },
    busy_vs_idle: {
      p50_ratio: round(busy.p50_ms / idle.p50_ms),
      p99_ratio: round(busy.p99_ms / idle.p99_ms),
      throughput_ratio: round(busy.requests_per_second / idle.requests_per_second),
    },
    note: 'client, feeder and server share the same 2 cores; the load generator costs CPU too',
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

await main();
