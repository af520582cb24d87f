import type { Middleware } from 'koa';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { JobFailure } from '../errors.js';
import type { JobHandler } from '../jobs/queue.js';
import type { JobStatus, JobType } from '../store/jobs-repo.js';

/** A worker pool as /metrics sees it. */
export interface PoolStats {
  readonly size: number;
  busy(): number;
  queued(): number;
}

export const POOL_NAMES = ['synthesis', 'analysis'] as const;
export type PoolName = (typeof POOL_NAMES)[number];

/** What the gauges read at scrape time; nothing is polled in the background. */
export interface MetricsSources {
  /** Job rows grouped by type and status (the database is the truth, so the numbers survive restarts). */
  jobCounts(): Promise<Array<{ type: string; status: string; count: number }>>;
  /** The worker pools, absent while they start. */
  pools(): Partial<Record<PoolName, PoolStats>>;
  /** Job event streams (SSE) open now. */
  eventStreams?(): number;
}

const JOB_TYPES: readonly JobType[] = ['synthesize', 'register_speaker'];
const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'canceled'];
const DEFAULT_GAUGES_NAMED_TOTAL = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** How a job run ended, as the job duration histogram labels it. */
export type JobOutcome = 'succeeded' | 'failed' | 'canceled' | 'interrupted';

/**
 * Every metric of one server instance, on its own registry (never prom-client's global one), so
 * two apps in one process, or a test, never share series. Scrapes cost one small GROUP BY on the
 * jobs table plus in-memory reads.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly jobDuration: Histogram<'type' | 'status'>;
  private readonly audioSeconds: Counter;
  private readonly realTimeFactor: Histogram;

  constructor(sources: MetricsSources, opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (opts.defaultMetrics !== false) {
      collectDefaultMetrics({ register: this.registry });
      // Gauges named like counters (promtool's lint rejects them); each is the sum of the
      // per-type gauge prom-client exports beside it (nodejs_active_handles{type=…}, …).
      for (const name of DEFAULT_GAUGES_NAMED_TOTAL) this.registry.removeSingleMetric(name);
    }

    this.httpRequests = new Counter({
      name: 'voicereel_http_requests_total',
      help: 'HTTP requests answered, by method, matched route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'voicereel_http_request_duration_seconds',
      help: 'Time to answer an HTTP request (until the handler returned), by method, route and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });

    new Gauge({
      name: 'voicereel_jobs',
      help: 'Jobs in the database by type and status.',
      labelNames: ['type', 'status'],
      registers,
      async collect() {
        const rows = await sources.jobCounts();
        for (const type of JOB_TYPES) for (const status of JOB_STATUSES) this.set({ type, status }, 0);
        for (const row of rows) this.set({ type: row.type, status: row.status }, row.count);
      },
    });
    new Gauge({
      name: 'voicereel_queue_depth',
      help: 'Jobs waiting in the queue (status queued).',
      registers,
      async collect() {
        this.set(
          (await sources.jobCounts()).filter((r) => r.status === 'queued').reduce((n, r) => n + r.count, 0),
        );
      },
    });
    new Gauge({
      name: 'voicereel_event_streams',
      help: 'Job event streams (GET /v1/jobs/{id}/events) open now.',
      registers,
      collect() {
        this.set(sources.eventStreams?.() ?? 0);
      },
    });
    this.jobDuration = new Histogram({
      name: 'voicereel_job_duration_seconds',
      help: 'Wall time of one job run, from claim to end, by type and outcome.',
      labelNames: ['type', 'status'],
      buckets: [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600],
      registers,
    });
    this.audioSeconds = new Counter({
      name: 'voicereel_synthesized_audio_seconds_total',
      help: 'Seconds of audio delivered by succeeded synthesis jobs.',
      registers,
    });
    this.realTimeFactor = new Histogram({
      name: 'voicereel_synthesis_real_time_factor',
      help: 'Synthesis wall time divided by the seconds of audio it produced, per job (below 1 is faster than real time).',
      buckets: [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 5],
      registers,
    });

    const poolGauge = (name: string, help: string, read: (p: PoolStats | undefined) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['pool'],
        registers,
        collect() {
          const pools = sources.pools();
          for (const pool of POOL_NAMES) this.set({ pool }, read(pools[pool]));
        },
      });
    poolGauge('voicereel_workers_busy', 'Worker threads running a task, per pool.', (p) =>
      p ? p.busy() : 0,
    );
    poolGauge('voicereel_workers_idle', 'Started worker threads waiting for a task, per pool.', (p) =>
      p ? Math.max(0, p.size - p.busy()) : 0,
    );
    poolGauge('voicereel_worker_tasks_queued', 'Tasks waiting for a free worker thread, per pool.', (p) =>
      p ? p.queued() : 0,
    );
  }

  /**
   * Counts and times every request by the route pattern it matched (`/v1/jobs/:id`, never the raw
   * URL, so ids never become series); anything no route matched is `unmatched`. Mount it outside
   * the error handler so the status is the one sent.
   */
  httpMiddleware(): Middleware {
    return async (ctx, next) => {
      const started = process.hrtime.bigint();
      try {
        await next();
      } finally {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const labels = {
          method: METHODS.has(ctx.method) ? ctx.method : 'other',
          route: matchedRoute(ctx.method, (ctx as { matched?: unknown }).matched),
          status: String(ctx.status),
        };
        this.httpRequests.inc(labels);
        this.httpDuration.observe(labels, seconds);
      }
    };
  }

  /** Records one finished job run. */
  jobFinished(type: string, outcome: JobOutcome, seconds: number): void {
    this.jobDuration.observe({ type, status: outcome }, seconds);
  }

  /** Records one succeeded synthesis: audio produced and how long it took. */
  synthesized(audioSeconds: number, wallSeconds: number): void {
    if (!(audioSeconds > 0)) return;
    this.audioSeconds.inc(audioSeconds);
    this.realTimeFactor.observe(wallSeconds / audioSeconds);
  }

  /** Wraps job handlers so each run is timed; a synthesis result's `duration` feeds the audio metrics. */
  instrumentJobs<K extends string>(handlers: Record<K, JobHandler>): Record<K, JobHandler> {
    const out = {} as Record<K, JobHandler>;
    for (const type of Object.keys(handlers) as K[]) {
      const handler = handlers[type];
      out[type] = {
        ...handler,
        run: async (job, ctx) => {
          const started = process.hrtime.bigint();
          const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
          try {
            const result = await handler.run(job, ctx);
            const seconds = elapsed();
            this.jobFinished(type, 'succeeded', seconds);
            const duration = (result as { duration?: unknown } | null | undefined)?.duration;
            if (type === 'synthesize' && typeof duration === 'number') this.synthesized(duration, seconds);
            return result;
          } catch (err) {
            this.jobFinished(type, outcomeOf(err, ctx.signal), elapsed());
            throw err;
          }
        },
      };
    }
    return out;
  }
}

function outcomeOf(err: unknown, signal: AbortSignal): JobOutcome {
  const failure =
    err instanceof JobFailure ? err : signal.reason instanceof JobFailure ? signal.reason : undefined;
  if (failure?.code === 'CANCELED') return 'canceled';
  // Aborted for any other reason: the server is stopping and the job goes back to the queue.
  if (!failure && signal.aborted) return 'interrupted';
  return 'failed';
}

interface MatchedLayer {
  path: string | RegExp;
  methods: string[];
}

/** The pattern of the last route layer (not a `use` layer) that matched both path and method. */
export function matchedRoute(method: string, matched: unknown): string {
  if (!Array.isArray(matched)) return 'unmatched';
  for (let i = matched.length - 1; i >= 0; i--) {
    const layer = matched[i] as MatchedLayer;
    if (layer.methods.length > 0 && layer.methods.includes(method)) return String(layer.path);
  }
  return 'unmatched';
}
