import type { Api } from '../test/helpers/api.js';

/**
 * `concurrency` keep-alive clients GET /v1/jobs/{jobId} for `durationMs` while `background` runs
 * (a feeder keeping the pool busy, or nothing): requests per second and latency quantiles.
 */
export async function hammer(
  api: Api,
  jobId: string,
  background: (stopAt: number) => Promise<void>,
  durationMs = 10_000,
) {
  const latencies: number[] = [];
  const concurrency = 16;
  const maxRequests = 300_000;
  const t0 = performance.now();
  const stopAt = t0 + durationMs;
  const client = async () => {
    while (performance.now() < stopAt && latencies.length < maxRequests) {
      const start = performance.now();
      const res = await fetch(`${api.url}/v1/jobs/${jobId}`, { headers: { 'X-VR-APIKEY': api.key } });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`GET job answered ${res.status}`);
      latencies.push(performance.now() - start);
    }
  };
  await Promise.all([background(stopAt), ...Array.from({ length: concurrency }, client)]);
  return { concurrency, ...latencySummary(latencies, (performance.now() - t0) / 1000) };
}

/** Requests per second and latency quantiles of one window's requests (`latencies` in ms). */
export function latencySummary(latencies: number[], seconds: number) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const q = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN);
  return {
    requests: sorted.length,
    seconds: round(seconds),
    requests_per_second: round(sorted.length / seconds),
    p50_ms: q(0.5),
    p99_ms: q(0.99),
    max_ms: q(1),
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * Keeps three jobs (made by `submit`) queued or running until `stopAt`: every synthesis worker
 * busy for the whole window. Records what it submitted; returns how many jobs finished meanwhile.
 */
export async function keepBusy(
  api: Api,
  stopAt: number,
  submit: () => Promise<string>,
  submitted: string[],
): Promise<number> {
  const active = new Set<string>();
  let completed = 0;
  while (performance.now() < stopAt) {
    while (active.size < 3) {
      const id = await submit();
      submitted.push(id);
      active.add(id);
    }
    await new Promise((r) => setTimeout(r, 200));
    for (const id of [...active]) {
      const { body } = await api.json<{ status: string }>('GET', `/v1/jobs/${id}`);
      if (body.status !== 'queued' && body.status !== 'running') {
        active.delete(id);
        completed++;
      }
    }
  }
  return completed;
}
