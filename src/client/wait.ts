import { VoiceReelError } from './errors.js';
import type { Transport } from './http.js';
import { parseEventStream } from './sse.js';
import type { Job, JobEvent } from './types.js';

export interface WaitOptions {
  /** Every event as it arrives (in the polling fallback: started and progress, made from the job). */
  onEvent?: (event: JobEvent) => void;
  /** Give up after this long (default 30 minutes): VoiceReelError code TIMEOUT. */
  timeoutMs?: number;
  /** Polling interval when the server has no event stream (default 500 ms). */
  pollIntervalMs?: number;
  /** false: poll without trying the event stream. */
  events?: boolean;
  signal?: AbortSignal;
}

const TERMINAL = new Set(['succeeded', 'failed', 'canceled']);
export const isTerminal = (status: string): boolean => TERMINAL.has(status);

/** Raised inside the event loop when the stream cannot be used at all. */
class EventsUnavailable extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until a job ends and returns it as GET /v1/jobs/{id} shows it. Listens to
 * GET /v1/jobs/{id}/events, reconnecting with Last-Event-ID when the stream drops; falls back to
 * polling when the server has no event route (404/405) or the stream keeps failing.
 */
export class JobWaiter {
  /** Set once the server showed it has no event route, so later waits go straight to polling. */
  private eventsMissing = false;

  constructor(private readonly http: Transport) {}

  async wait(jobId: string, opts: WaitOptions = {}): Promise<Job> {
    const deadline = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
    if (opts.events !== false && !this.eventsMissing) {
      try {
        return await this.viaEvents(jobId, deadline, opts);
      } catch (err) {
        if (!(err instanceof EventsUnavailable)) throw err;
      }
    }
    return this.viaPolling(jobId, deadline, opts);
  }

  private async viaEvents(jobId: string, deadline: number, opts: WaitOptions): Promise<Job> {
    let lastEventId: string | undefined;
    let failures = 0;
    let retryMs = 1000;
    while (Date.now() < deadline) {
      const timeout = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
      const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
      try {
        const res = await this.http.request({
          method: 'GET',
          path: `/v1/jobs/${encodeURIComponent(jobId)}/events`,
          headers: { Accept: 'text/event-stream', ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}) },
          signal,
        });
        if (!res.body || !res.headers.get('content-type')?.startsWith('text/event-stream')) {
          await res.body?.cancel();
          throw new EventsUnavailable();
        }
        for await (const raw of parseEventStream(res.body)) {
          if (raw.id !== undefined) lastEventId = raw.id;
          if (raw.retry !== undefined) retryMs = raw.retry;
          failures = 0;
          const event = { id: raw.id, type: raw.event, data: JSON.parse(raw.data) as unknown } as JobEvent;
          opts.onEvent?.(event);
          if (isTerminal(event.type)) return event.data as Job;
        }
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        if (timeout.aborted) break;
        if (err instanceof VoiceReelError && (err.status === 404 || err.status === 405) && !lastEventId) {
          // No event route (or no such job: polling then reports the 404 itself).
          this.eventsMissing = err.status === 405 || (await this.routeMissing(jobId));
          throw new EventsUnavailable();
        }
        if (err instanceof VoiceReelError && err.status >= 400 && err.status < 500) throw err;
        if (err instanceof EventsUnavailable) throw err;
      }
      // The stream ended before a terminal event, or the connection failed: resume where it stopped.
      if (++failures > 5) throw new EventsUnavailable();
      await sleep(Math.min(retryMs * failures, 10_000));
    }
    throw timedOut(jobId);
  }

  /** The job exists but its event route answered 404: the server has no event stream. */
  private async routeMissing(jobId: string): Promise<boolean> {
    await this.getJob(jobId);
    return true;
  }

  private getJob(jobId: string): Promise<Job> {
    return this.http.json<Job>({ method: 'GET', path: `/v1/jobs/${encodeURIComponent(jobId)}` });
  }

  private async viaPolling(jobId: string, deadline: number, opts: WaitOptions): Promise<Job> {
    let seen: Job | undefined;
    for (;;) {
      opts.signal?.throwIfAborted();
      const job = await this.getJob(jobId);
      if (job.status === 'running' && seen?.status !== 'running') {
        opts.onEvent?.({ type: 'started', data: {} });
      }
      if (!isTerminal(job.status) && job.progress !== seen?.progress) {
        opts.onEvent?.({ type: 'progress', data: { progress: job.progress } });
      }
      if (isTerminal(job.status)) {
        opts.onEvent?.({ type: job.status as 'succeeded', data: job });
        return job;
      }
      seen = job;
      if (Date.now() >= deadline) throw timedOut(jobId);
      await sleep(opts.pollIntervalMs ?? 500);
    }
  }
}

const timedOut = (jobId: string) =>
  new VoiceReelError(0, 'TIMEOUT', `Job ${jobId} did not finish in time`, { job_id: jobId });
