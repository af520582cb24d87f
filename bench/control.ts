/**
 * `npm run bench:control`: GET /v1/jobs/{id} with the synthesis pool idle and busy, for engine
 * worker threads at nice 0 (as before engine.worker_nice) and at the default 10, alternating the two
 * settings in one run (fresh server each) so both see the same machine. The load generator shares
 * the machine: its own CPU time and the server's are recorded per window, to say how much of the
 * two cores each took. Built-in voices only; traffic to 127.0.0.1; every loop bounded.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Api } from '../test/helpers/api.js';
import { removeDir, startServer } from '../test/helpers/server.js';
import { hammer, keepBusy } from './poll.js';
import { machine, writeResult } from './report.js';

const LINE = [
  [
    'builtin-en',
    'Good morning everyone, and thank you for joining the quarterly review on such short notice.',
  ],
  [
    'builtin-ko',
    '안녕하세요. 오늘 회의에서는 지난 분기의 매출과 새로운 프로젝트 일정을 함께 살펴보겠습니다.',
  ],
  ['builtin-ja', 'おはようございます。きょうは あたらしい せいひんの けいかくに ついて はなします。'],
] as const;
const SCRIPT = LINE.map(([voice, text]) => ({ voice, text }));
const LONG = Array.from({ length: 10 }, () => SCRIPT).flat();

async function main() {
  const { values } = parseArgs({
    options: { rounds: { type: 'string', default: '2' }, seconds: { type: 'string', default: '8' } },
  });
  const windowMs = Number(values.seconds) * 1000;
  const runs: Array<Record<string, unknown>> = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const nice of [0, 10]) runs.push({ worker_nice: nice, ...(await measure(nice, windowMs)) });
  }
  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    window_seconds: windowMs / 1000,
    runs,
  };
  writeResult('control', result);
}

async function measure(nice: number, windowMs: number) {
  const server = await startServer({ config: `[engine]\nworker_nice = ${nice}\n` });
  const api = new Api(server.url, server.adminKey);
  try {
    const target = await synthesize(api, SCRIPT);
    await api.waitJob(target, 120_000);
    const idle = await withCpu(server.proc.pid!, () => hammer(api, target, async () => undefined, windowMs));
    const submitted: string[] = [];
    const busy = await withCpu(server.proc.pid!, () =>
      hammer(
        api,
        target,
        async (stopAt) => void (await keepBusy(api, stopAt, () => synthesize(api, LONG), submitted)),
        windowMs,
      ),
    );
    for (const id of submitted) await api.json('DELETE', `/v1/jobs/${id}`);
    return {
      idle,
      busy,
      throughput_ratio: ratio(busy.requests_per_second, idle.requests_per_second),
      p99_ratio: ratio(busy.p99_ms, idle.p99_ms),
    };
  } finally {
    await server.stop();
    removeDir(server.dataDir);
  }
}

async function synthesize(api: Api, script: unknown): Promise<string> {
  const res = await api.json<{ job_id: string }>('POST', '/v1/synthesize', { script, output_format: 'wav' });
  if (res.status !== 202) throw new Error(`synthesize refused: ${JSON.stringify(res.body)}`);
  return res.body.job_id;
}

/**
 * CPU seconds the load generator (this process) and the server (all its threads) used during `fn`,
 * as cores: how the two cores were shared out.
 */
async function withCpu<T extends object>(pid: number, fn: () => Promise<T>) {
  const clk = 100; // USER_HZ on Linux
  const serverTicks = () => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  };
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const s0 = serverTicks();
  const out = await fn();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return {
    ...out,
    load_generator_cores: ratio((c.user + c.system) / 1e6, wall),
    server_cores: ratio((serverTicks() - s0) / clk, wall),
  };
}

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

await main();
