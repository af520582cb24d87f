/**
 * `npm run bench`: figures for docs/benchmarks.md, written as JSON to bench/results/.
 * 1. Real-time factor of the built-in engine for a ~30 s three-speaker dialogue, end to end through
 *    the HTTP API (accepted → succeeded), several runs.
 * 2. Latency and throughput of GET /v1/jobs/{id} while the synthesis pool is saturated: the event
 *    loop must stay responsive because synthesis runs on worker threads.
 * Traffic goes to 127.0.0.1 only; every loop is bounded in count and time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Api } from '../test/helpers/api.js';
import { espeakReference, JAPANESE_TEXT, KOREAN_TEXT, librivoxReference } from '../test/helpers/fixtures.js';
import { removeDir, startServer } from '../test/helpers/server.js';

const DIALOGUE = [
  ['en', 'Good morning everyone, and thank you for joining the quarterly review on such short notice.'],
  ['ko', '안녕하세요. 오늘 회의에서는 지난 분기의 매출과 새로운 프로젝트 일정을 함께 살펴보겠습니다.'],
  ['ja', 'おはようございます。きょうは あたらしい せいひんの けいかくに ついて はなします。'],
  ['en', 'Let us start with the numbers. Revenue grew by twelve percent, mostly from the new markets.'],
  ['ko', '좋습니다. 다음 주까지 자세한 보고서를 준비해서 모두에게 공유하겠습니다.'],
  ['ja', 'ありがとうございます。しつもんが あれば いつでも れんらくして ください。'],
] as const;

async function main() {
  const server = await startServer({ config: '[log]\nlevel = "warn"\n' });
  const api = new Api(server.url, server.adminKey);
  try {
    const speakers = await registerSpeakers(api);
    const script = DIALOGUE.map(([lang, text]) => ({ speaker_id: speakers[lang], text }));
    const rtf = await realTimeFactor(api, script, 3);
    const polling = await pollLatencyUnderLoad(api, script);
    const result = {
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpu_model: cpus()[0]?.model,
        memory_gib: Math.round(totalmem() / 2 ** 30),
        node: process.version,
      },
      engine_rtf: rtf,
      job_poll_under_load: polling,
    };
    mkdirSync('bench/results', { recursive: true });
    const file = join('bench/results', `bench-${result.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    console.log(JSON.stringify(result, null, 2));
    console.log(`written to ${file}`);
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
  const rtfs = samples.map((s) => s.rtf).sort((a, b) => a - b);
  return {
    runs: samples,
    median_rtf: rtfs[Math.floor(rtfs.length / 2)],
    note: 'wall time from POST to succeeded / audio seconds; < 1 is faster than real time',
  };
}

async function pollLatencyUnderLoad(api: Api, script: unknown) {
  // Saturate the pool: several long jobs queued at once.
  const jobs = await Promise.all(Array.from({ length: 4 }, () => synthesize(api, [script, script].flat())));
  const target = jobs[0] as string;
  const latencies: number[] = [];
  const concurrency = 16;
  const durationMs = 10_000;
  const maxRequests = 200_000;
  const until = performance.now() + durationMs;
  let busyDuring = 0;
  const worker = async () => {
    while (performance.now() < until && latencies.length < maxRequests) {
      const t0 = performance.now();
      const res = await fetch(`${api.url}/v1/jobs/${target}`, { headers: { 'X-VR-APIKEY': api.key } });
      const body = (await res.json()) as { status: string };
      latencies.push(performance.now() - t0);
      if (body.status === 'running' || body.status === 'queued') busyDuring++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - t0) / 1000;
  for (const id of jobs) await api.json('DELETE', `/v1/jobs/${id}`);
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN);
  return {
    requests: latencies.length,
    concurrency,
    seconds: round(elapsed),
    requests_per_second: round(latencies.length / elapsed),
    p50_ms: q(0.5),
    p99_ms: q(0.99),
    max_ms: q(1),
    answered_while_job_running_or_queued: busyDuring,
    note: 'client and server share the same 2 cores; the client costs CPU too',
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

await main();
