import { describe, expect, it } from 'vitest';
import { JobFailure } from '../../../src/errors.js';
import type { JobHandler } from '../../../src/jobs/queue.js';
import { matchedRoute, Metrics } from '../../../src/observability/metrics.js';
import type { JobRow } from '../../../src/store/jobs-repo.js';

const sources = { jobCounts: () => Promise.resolve([]), pools: () => ({}) };
const job = { id: 'job_1', type: 'synthesize' } as JobRow;

async function value(m: Metrics, name: string, labels: Record<string, string> = {}) {
  const base = name.replace(/_(count|sum|bucket)$/, '');
  const metric = await (m.registry.getSingleMetric(name) ?? m.registry.getSingleMetric(base))?.get();
  return metric?.values.find(
    (v) =>
      ((v as { metricName?: string }).metricName ?? metric.name) === name &&
      Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  )?.value;
}

describe('Metrics', () => {
  it('keeps one registry per instance, never the global one', async () => {
    const a = new Metrics(sources);
    const b = new Metrics(sources, { defaultMetrics: false });
    a.synthesized(10, 2);
    expect(await value(a, 'voicereel_synthesized_audio_seconds_total')).toBe(10);
    expect(await value(b, 'voicereel_synthesized_audio_seconds_total')).toBe(0);
    expect(b.registry.getSingleMetric('process_cpu_seconds_total')).toBeUndefined();
    expect(a.registry.getSingleMetric('nodejs_active_handles_total')).toBeUndefined();
  });

  it('labels job outcomes: succeeded, failed, canceled, interrupted by shutdown', async () => {
    const m = new Metrics(sources, { defaultMetrics: false });
    let next: () => Promise<unknown> = () => Promise.resolve({ duration: 4 });
    const handler: JobHandler = { run: () => next() };
    const wrapped = m.instrumentJobs({ synthesize: handler });
    const run = (signal = new AbortController().signal) =>
      wrapped.synthesize.run(job, { signal, progress: () => {}, log: () => {} });

    await run();
    next = () => Promise.reject(new JobFailure('INVALID_INPUT', 'bad'));
    await expect(run()).rejects.toThrow('bad');
    const cancel = new AbortController();
    cancel.abort(new JobFailure('CANCELED', 'Canceled by request.'));
    next = () => Promise.reject(new Error('AbortError'));
    await expect(run(cancel.signal)).rejects.toThrow();
    const stop = new AbortController();
    stop.abort(new Error('server stopping'));
    await expect(run(stop.signal)).rejects.toThrow();

    for (const status of ['succeeded', 'failed', 'canceled', 'interrupted']) {
      expect(await value(m, 'voicereel_job_duration_seconds_count', { type: 'synthesize', status })).toBe(1);
    }
    expect(await value(m, 'voicereel_synthesized_audio_seconds_total')).toBe(4);
    expect(await value(m, 'voicereel_synthesis_real_time_factor_count')).toBe(1);
  });

  it('finds the route pattern that matched path and method, or says unmatched', () => {
    const use = { path: '/v1', methods: [] };
    const get = { path: '/v1/jobs/:id', methods: ['HEAD', 'GET'] };
    const del = { path: '/v1/jobs/:id', methods: ['DELETE'] };
    expect(matchedRoute('GET', [use, get, del])).toBe('/v1/jobs/:id');
    expect(matchedRoute('POST', [use, get, del])).toBe('unmatched');
    expect(matchedRoute('GET', undefined)).toBe('unmatched');
  });
});
