import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../helpers/api.js';
import { librivoxReference } from '../helpers/fixtures.js';
import { type AppServer, startApp } from '../helpers/app.js';
import { removeDir } from '../helpers/server.js';

/** Two synthesis threads and one job at a time, so a second job visibly waits in the queue. */
const CONFIG = '[engine]\nworkers = 2\nanalysis_workers = 1\n[jobs]\nconcurrency = 1\n';
const canceled = { type: 'synthesize', status: 'canceled' };

const LONG_LINE =
  'The quarterly numbers look strong, and the team delivered every milestone on time. ' +
  'Next month we open two new offices and start hiring engineers, designers and support staff.';

interface Scrape {
  text: string;
  contentType: string;
  /** Value of one sample, e.g. get('voicereel_jobs', { type: 'synthesize', status: 'queued' }). */
  get(name: string, labels?: Record<string, string>): number | undefined;
  /** Every sample of a metric name, with its labels. */
  samples(name: string): Array<{ labels: Record<string, string>; value: number }>;
}

async function scrape(url: string): Promise<Scrape> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  const parsed: Array<{ name: string; labels: Record<string, string>; value: number }> = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparsable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]!] = l[2]!;
    }
    parsed.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  const samples = (name: string) => parsed.filter((p) => p.name === name);
  return {
    text,
    contentType: res.headers.get('content-type') ?? '',
    samples,
    get: (name, labels = {}) =>
      samples(name).find(
        (s) =>
          Object.keys(s.labels).length === Object.keys(labels).length &&
          Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      )?.value,
  };
}

let server: AppServer;
let api: Api;
let speakerId = '';

beforeAll(async () => {
  server = await startApp({ config: CONFIG });
  api = new Api(server.url, server.adminKey);
  const ref = librivoxReference();
  speakerId = (await api.readySpeaker({ name: 'Narrator', lang: 'en', ...ref })).speakerId;
});

afterAll(async () => {
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

describe('/metrics', () => {
  it('is served unauthenticated in Prometheus text format, with Node defaults and idle pools', async () => {
    const m = await scrape(server.url);
    expect(m.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(m.get('process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(m.get('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(m.samples('nodejs_eventloop_lag_seconds')).toHaveLength(1);
    expect(m.get('voicereel_workers_idle', { pool: 'synthesis' })).toBe(2);
    expect(m.get('voicereel_workers_busy', { pool: 'synthesis' })).toBe(0);
    expect(m.get('voicereel_workers_idle', { pool: 'analysis' })).toBe(1);
    expect(m.get('voicereel_queue_depth')).toBe(0);
    expect(m.get('voicereel_jobs', { type: 'register_speaker', status: 'succeeded' })).toBe(1);
    expect(
      m.get('voicereel_job_duration_seconds_count', { type: 'register_speaker', status: 'succeeded' }),
    ).toBe(1);
  });

  it('counts requests by route pattern and status, never by raw URL', async () => {
    const before = await scrape(server.url);
    const route = { method: 'GET', route: '/v1/jobs/:id' };
    const n = (s: Scrape, status: string) =>
      s.get('voicereel_http_requests_total', { ...route, status }) ?? 0;

    expect((await api.json('GET', '/v1/jobs/job_doesnotexist1')).status).toBe(404);
    expect((await api.json('GET', '/v1/jobs/job_doesnotexist2')).status).toBe(404);
    expect((await fetch(`${server.url}/v1/jobs/job_doesnotexist3`)).status).toBe(401);
    expect((await fetch(`${server.url}/no/such/path/job_x`)).status).toBe(404);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    const after = await scrape(server.url);
    expect(n(after, '404') - n(before, '404')).toBe(2);
    expect(n(after, '401') - n(before, '401')).toBe(1);
    expect(
      after.get('voicereel_http_requests_total', { method: 'GET', route: '/healthz', status: '200' }),
    ).toBe(
      (before.get('voicereel_http_requests_total', { method: 'GET', route: '/healthz', status: '200' }) ??
        0) + 1,
    );
    expect(
      after.get('voicereel_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }),
    ).toBe(
      (before.get('voicereel_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }) ??
        0) + 1,
    );
    expect(after.get('voicereel_http_request_duration_seconds_count', { ...route, status: '404' })).toBe(
      n(after, '404'),
    );
    expect(
      after.get('voicereel_http_request_duration_seconds_bucket', { ...route, status: '404', le: '+Inf' }),
    ).toBe(n(after, '404'));
    // The registration request was counted under its pattern too.
    expect(
      after.get('voicereel_http_requests_total', { method: 'POST', route: '/v1/speakers', status: '202' }),
    ).toBe(1);
    const routes = new Set(after.samples('voicereel_http_requests_total').map((s) => s.labels.route));
    for (const r of routes) expect(r).not.toMatch(/job_|spk_|no\/such/);
  });

  it('tracks queue depth, busy workers, job outcomes, audio seconds and real-time factor', async () => {
    // Job A is long and holds the only job slot; job B waits behind it in the queue.
    const long = Array.from({ length: 30 }, () => ({ speaker_id: speakerId, text: LONG_LINE }));
    const a = await api.client.synthesize({ script: long, output_format: 'wav' });
    expect(api.lastStatus).toBe(202);
    const b = await api.client.synthesize({
      script: [{ speaker_id: speakerId, text: 'Hello there. This is a short line.' }],
      output_format: 'wav',
    });
    expect(api.lastStatus).toBe(202);

    let during: Scrape | undefined;
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      const m = await scrape(server.url);
      if ((m.get('voicereel_workers_busy', { pool: 'synthesis' }) ?? 0) > 0) {
        during = m;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(during, 'never saw a busy synthesis worker').toBeDefined();
    expect(during!.get('voicereel_queue_depth')).toBe(1);
    expect(during!.get('voicereel_jobs', { type: 'synthesize', status: 'queued' })).toBe(1);
    expect(during!.get('voicereel_jobs', { type: 'synthesize', status: 'running' })).toBe(1);
    const busy = during!.get('voicereel_workers_busy', { pool: 'synthesis' })!;
    expect(busy + during!.get('voicereel_workers_idle', { pool: 'synthesis' })!).toBe(2);

    await api.client.cancelJob(a.job_id);
    expect(api.lastStatus).toBe(204);
    const done = await api.client.waitForJob(b.job_id);
    expect(done.status, JSON.stringify(done)).toBe('succeeded');
    const duration = (done.result as { duration: number }).duration;
    expect(duration).toBeGreaterThan(1);

    // The canceled job's outcome is recorded when its worker task returns; give it a moment.
    let after = await scrape(server.url);
    for (let i = 0; i < 100 && !after.get('voicereel_job_duration_seconds_count', canceled); i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await scrape(server.url);
    }
    expect(after.get('voicereel_queue_depth')).toBe(0);
    expect(after.get('voicereel_jobs', { type: 'synthesize', status: 'succeeded' })).toBe(1);
    expect(after.get('voicereel_jobs', { type: 'synthesize', status: 'canceled' })).toBe(1);
    expect(after.get('voicereel_jobs', { type: 'synthesize', status: 'running' })).toBe(0);
    expect(
      after.get('voicereel_job_duration_seconds_count', { type: 'synthesize', status: 'succeeded' }),
    ).toBe(1);
    expect(after.get('voicereel_job_duration_seconds_count', canceled)).toBe(1);
    expect(
      after.get('voicereel_job_duration_seconds_sum', { type: 'synthesize', status: 'succeeded' }),
    ).toBeGreaterThan(0);
    expect(after.get('voicereel_synthesized_audio_seconds_total')).toBeCloseTo(duration, 6);
    expect(after.get('voicereel_synthesis_real_time_factor_count')).toBe(1);
    const rtf = after.get('voicereel_synthesis_real_time_factor_sum')!;
    const jobSeconds = after.get('voicereel_job_duration_seconds_sum', {
      type: 'synthesize',
      status: 'succeeded',
    })!;
    expect(rtf).toBeCloseTo(jobSeconds / duration, 6);
    expect(
      after.get('voicereel_http_requests_total', { method: 'POST', route: '/v1/synthesize', status: '202' }),
    ).toBe(2);
    expect(
      after.get('voicereel_http_requests_total', { method: 'DELETE', route: '/v1/jobs/:id', status: '204' }),
    ).toBe(1);
  });

  it('passes promtool check metrics with no lint problems', async () => {
    const { text } = await scrape(server.url);
    const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    if (r.error) throw new Error(`promtool not runnable (Debian package "prometheus"): ${r.error.message}`);
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });

  it('reads job counts from the database, so they survive a restart while counters start over', async () => {
    await server.stop();
    server = await startApp({ config: CONFIG, dataDir: server.dataDir, adminKey: server.adminKey });
    const m = await scrape(server.url);
    expect(m.get('voicereel_jobs', { type: 'synthesize', status: 'succeeded' })).toBe(1);
    expect(m.get('voicereel_jobs', { type: 'synthesize', status: 'canceled' })).toBe(1);
    expect(m.get('voicereel_jobs', { type: 'register_speaker', status: 'succeeded' })).toBe(1);
    expect(m.get('voicereel_synthesized_audio_seconds_total')).toBe(0);
    expect(m.samples('voicereel_http_requests_total').some((s) => s.labels.route === '/v1/synthesize')).toBe(
      false,
    );
  });
});
