/**
 * `npm run bench:long`: the server's memory against script length. One fresh server (default
 * workers, no packs); MP3 44.1 kHz jobs of about 1, 10 and 60 minutes of audio in built-in voices
 * (en/ko/ja lines in turn), one after another, then the 10-minute job again (does memory grow
 * from one long job to the next?). Per job: RSS (all threads, /proc VmRSS) before, its peak while
 * the job runs (sampled every 250 ms) and after; wall time. `--baseline DIR` runs the same on the
 * bundle built in DIR first. Minutes can be changed with `--minutes 1,10,60`.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Api } from '../test/helpers/api.js';
import { BUNDLE, removeDir, startServer } from '../test/helpers/server.js';
import { processMemory } from './memory.js';
import { machine, writeResult } from './report.js';

const LINES = [
  [
    'builtin-en',
    'The committee met again on Thursday to review the budget, and after a long discussion about the new ' +
      'library, the parks and the roads, it agreed to publish a full report before the end of the month.',
  ],
  [
    'builtin-ko',
    '오늘 회의에서는 지난 분기의 매출과 새로운 프로젝트 일정을 함께 살펴보았고, 다음 주까지 자세한 보고서를 준비해서 모두에게 공유하기로 했습니다.',
  ],
  [
    'builtin-ja',
    'きょうの かいぎでは あたらしい せいひんの けいかくに ついて はなしあい、らいしゅうまでに くわしい ほうこくしょを じゅんびする ことに なりました。',
  ],
] as const;

async function main() {
  const { values } = parseArgs({
    options: { baseline: { type: 'string' }, minutes: { type: 'string', default: '1,10,60' } },
  });
  const minutes = values.minutes.split(',').map(Number);
  const builds: Record<string, string> = {};
  if (values.baseline) builds.baseline = resolve(values.baseline, 'build', 'voicereel.cjs');
  builds.current = BUNDLE;
  const results: Record<string, unknown> = {};
  for (const [name, bundle] of Object.entries(builds)) results[name] = await run(bundle, minutes);
  const result = { date: new Date().toISOString(), machine: machine(), builds: results };
  writeResult('long-script', result);
}

async function run(bundle: string, minutes: number[]) {
  const server = await startServer({
    command: [process.execPath, bundle],
    config: '[limits]\nmax_script_chars = 1000000\nmax_script_lines = 5000\n',
  });
  const api = new Api(server.url, server.adminKey);
  const pid = server.proc.pid!;
  try {
    const ready = processMemory(pid).rss_mib;
    // Seconds of audio per line, from a short job (also warms the voices up).
    const probe = await job(api, pid, 6);
    const perLine = probe.audio_seconds / 6;
    const jobs = [];
    for (const m of [...minutes, minutes[1] ?? minutes[0]!]) {
      jobs.push({ target_minutes: m, ...(await job(api, pid, Math.max(1, Math.round((m * 60) / perLine)))) });
    }
    return { rss_at_readyz_mib: ready, seconds_per_line: perLine, jobs };
  } finally {
    await server.stop();
    removeDir(server.dataDir);
  }
}

async function job(api: Api, pid: number, lines: number) {
  const script = Array.from({ length: lines }, (_, i) => {
    const [voice, text] = LINES[i % LINES.length]!;
    return { voice, text };
  });
  const before = processMemory(pid).rss_mib;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, processMemory(pid).rss_mib)), 250);
  const t0 = performance.now();
  try {
    const res = await api.json<{ job_id: string }>('POST', '/v1/synthesize', {
      script,
      output_format: 'mp3',
      sample_rate: 44100,
    });
    if (res.status !== 202) throw new Error(`synthesize refused: ${JSON.stringify(res.body)}`);
    const done = await api.waitJob(res.body.job_id, 3_600_000);
    if (done.status !== 'succeeded') throw new Error(`job failed: ${JSON.stringify(done)}`);
    const wall = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 2000));
    const after = processMemory(pid).rss_mib;
    const audio = Number((done.result as { duration: number }).duration);
    return {
      lines,
      audio_seconds: audio,
      wall_seconds: Math.round(wall * 10) / 10,
      rss_before_mib: before,
      rss_peak_mib: peak,
      rss_after_mib: after,
    };
  } finally {
    clearInterval(sampler);
  }
}

await main();
