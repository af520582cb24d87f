/**
 * `npm run bench:cluster`: the same work on one node with the embedded default (SQLite, local disk),
 * one node on PostgreSQL + S3, and two nodes sharing that PostgreSQL and bucket, each started fresh
 * in turn on this machine. Per setting: GET /v1/jobs/{id} from 16 keep-alive clients (spread over the
 * nodes) with the pool idle, then the time a batch of short synthesis jobs (spread over the nodes)
 * takes to finish. PostgreSQL and the S3-protocol server (s3rver) run on the same machine, so the
 * figures include their CPU too. Every loop is bounded; traffic to 127.0.0.1 only.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Api } from '../test/helpers/api.js';
import { startPostgres } from '../test/helpers/postgres.js';
import { startS3, type TestS3 } from '../test/helpers/s3.js';
import { removeDir, startServer, type TestServer } from '../test/helpers/server.js';
import { latencySummary } from './poll.js';
import { machine, writeResult } from './report.js';

const SCRIPT = [
  { voice: 'builtin-en', text: 'Good morning, and welcome to the quarterly review.' },
  { voice: 'builtin-ko', text: '안녕하세요. 오늘 회의를 시작하겠습니다.' },
  { voice: 'builtin-ja', text: 'おはようございます。はじめましょう。' },
];

interface Setting {
  name: string;
  nodes: number;
  toml: (dataDir: string) => Promise<string>;
}

async function main() {
  const { values } = parseArgs({
    options: { jobs: { type: 'string', default: '12' }, seconds: { type: 'string', default: '8' } },
  });
  const pg = await startPostgres();
  const s3 = await startS3();
  const key = `vr_bench_${randomBytes(16).toString('hex')}`;
  try {
    const engine = '[engine]\nworkers = 1\n[jobs]\nconcurrency = 2\n';
    const shared = async (): Promise<Setting['toml']> => {
      const url = await pg.database();
      const bucket = await s3.bucket();
      return async (dataDir) => `${engine}[database]\nurl = "${url}"\n${s3Toml(s3, bucket, dataDir)}`;
    };
    const settings: Setting[] = [
      { name: 'sqlite, 1 node', nodes: 1, toml: async () => engine },
      { name: 'postgresql + s3, 1 node', nodes: 1, toml: await shared() },
      { name: 'postgresql + s3, 2 nodes', nodes: 2, toml: await shared() },
    ];
    const runs = [];
    for (const s of settings)
      runs.push(await measure(s, key, Number(values.jobs), Number(values.seconds) * 1000));
    const [lite, pg1, pg2] = runs;
    const result = {
      date: new Date().toISOString(),
      machine: machine(),
      note: 'one machine: nodes, PostgreSQL, s3rver and the load generator share its cores',
      runs,
      postgres_added_get_p50_ms: round((pg1?.get.p50_ms ?? NaN) - (lite?.get.p50_ms ?? NaN)),
      postgres_added_get_p99_ms: round((pg1?.get.p99_ms ?? NaN) - (lite?.get.p99_ms ?? NaN)),
      two_nodes_over_one: {
        jobs_per_second: round((pg2?.jobs.jobs_per_second ?? NaN) / (pg1?.jobs.jobs_per_second ?? NaN)),
        get_requests_per_second: round(
          (pg2?.get.requests_per_second ?? NaN) / (pg1?.get.requests_per_second ?? NaN),
        ),
      },
    };
    writeResult('cluster', result);
  } finally {
    await s3.stop();
    await pg.stop();
  }
}

function s3Toml(s3: TestS3, bucket: string, dataDir: string): string {
  return s3.toml({ bucket, secretFile: s3.secretFile(dataDir) });
}

async function measure(s: Setting, key: string, jobs: number, windowMs: number) {
  const nodes: TestServer[] = [];
  const dirs: string[] = [];
  try {
    for (let i = 0; i < s.nodes; i++) {
      const dataDir = mkdtempSync(join(tmpdir(), 'vr-bench-cluster-'));
      dirs.push(dataDir);
      // One after another: the first node creates the schema and the shared secret.
      nodes.push(await startServer({ dataDir, adminKey: key, config: await s.toml(dataDir) }));
    }
    const apis = nodes.map((n) => new Api(n.url, key));
    const first = apis[0] as Api;
    const { job_id } = await first.client.synthesize({ script: SCRIPT });
    await first.client.waitForJob(job_id, { timeoutMs: 120_000 });
    const get = await hammerAll(apis, job_id, windowMs);
    const started = performance.now();
    const ids = await Promise.all(
      Array.from({ length: jobs }, (_, i) => apis[i % apis.length]!.client.synthesize({ script: SCRIPT })),
    );
    const done = await Promise.all(
      ids.map((r, i) => apis[(i + 1) % apis.length]!.client.waitForJob(r.job_id, { timeoutMs: 600_000 })),
    );
    const seconds = (performance.now() - started) / 1000;
    if (done.some((j) => j.status !== 'succeeded')) throw new Error(`${s.name}: a job did not succeed`);
    return {
      setting: s.name,
      nodes: s.nodes,
      get,
      jobs: { jobs, seconds: round(seconds), jobs_per_second: round(jobs / seconds) },
    };
  } finally {
    for (const n of nodes) await n.stop();
    for (const d of dirs) removeDir(d);
  }
}

/** 16 keep-alive clients GET one job for `durationMs`, spread evenly over the nodes. */
async function hammerAll(apis: Api[], jobId: string, durationMs: number) {
  const latencies: number[] = [];
  const stopAt = performance.now() + durationMs;
  const t0 = performance.now();
  const client = async (api: Api) => {
    while (performance.now() < stopAt && latencies.length < 300_000) {
      const start = performance.now();
      const res = await fetch(`${api.url}/v1/jobs/${jobId}`, { headers: { 'X-VR-APIKEY': api.key } });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`GET job answered ${res.status}`);
      latencies.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: 16 }, (_, i) => client(apis[i % apis.length] as Api)));
  return latencySummary(latencies, (performance.now() - t0) / 1000);
}

const round = (n: number) => Math.round(n * 1000) / 1000;

await main();
