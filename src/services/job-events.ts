import { EventEmitter } from 'node:events';
import { errors } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { isWellFormedId } from '../lib/ids.js';
import type { Store } from '../store/index.js';
import type { JobEventRow, JobEventType } from '../store/job-events-repo.js';
import type { JobRow } from '../store/jobs-repo.js';
import type { JobView } from './job-view.js';
import type { Principal } from './keys.js';

/**
 * In-process wake-ups for event streams: "job X has something new". The events themselves are in
 * the store; the bus only saves a subscriber from waiting for its next poll. One per server, passed in.
 */
export class JobEventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open stream of a job; the connection caps bound them, not this warning.
    this.emitter.setMaxListeners(0);
  }

  changed(jobId: string): void {
    this.emitter.emit(jobId);
  }

  on(jobId: string, fn: () => void): () => void {
    this.emitter.on(jobId, fn);
    return () => this.emitter.off(jobId, fn);
  }

  listenerCount(): number {
    return this.emitter.eventNames().reduce((n, e) => n + this.emitter.listenerCount(e), 0);
  }
}

export interface StreamedEvent {
  id: number;
  event: JobEventType;
  data: unknown;
}

/** Where a stream writes; the route maps it onto the HTTP response. */
export interface EventSink {
  send(e: StreamedEvent): void;
  comment(text: string): void;
  end(): void;
}

export interface JobEventOptions {
  maxPerJob: number;
  heartbeatMs: number;
  /** Fallback read of the store, in case a wake-up is missed (a status change made elsewhere). */
  pollMs?: number;
}

const TERMINAL = new Set<JobEventType>(['succeeded', 'failed', 'canceled']);

/**
 * A job's live events: the runner and the services append progress and log lines here, status
 * changes are written by the store with the change itself, and subscribers read the history from
 * the store after the id they last saw, then follow it until the one terminal event.
 */
export class JobEvents {
  private streams = 0;

  constructor(
    private readonly store: Pick<Store, 'jobs' | 'jobEvents'>,
    private readonly bus: JobEventBus,
    private readonly view: (job: JobRow) => JobView,
    private readonly clock: Clock,
    private readonly opts: JobEventOptions,
  ) {}

  /** Streams being followed now (a gauge: one that never goes down is a leak). */
  openStreams(): number {
    return this.streams;
  }

  /** A status change the store recorded: wake the job's subscribers. */
  changed(jobId: string): void {
    this.bus.changed(jobId);
  }

  progress(jobId: string, progress: number, line: number, lines: number): void {
    const data = { progress: Math.round(progress * 1000) / 1000, line, lines };
    this.append(jobId, 'progress', data);
  }

  log(jobId: string, level: 'info' | 'warn', message: string): void {
    this.append(jobId, 'log', { level, message });
  }

  /**
   * The caller's job, or 404 (another project's job is not found either). `done` when the job has
   * finished and the client has already seen its terminal event (the terminal event is always last).
   */
  check(who: Principal, jobId: string, lastEventId: number): { done: boolean } {
    if (!isWellFormedId(jobId, 'job')) throw errors.notFound('Job');
    const job = this.store.jobs.get(jobId, who.admin ? undefined : who.project);
    if (!job) throw errors.notFound('Job');
    return { done: isTerminal(job) && this.store.jobEvents.after(jobId, lastEventId, 1).length === 0 };
  }

  /**
   * Streams the job's events after `lastEventId` into `sink` until the terminal event, which carries
   * the job's view (as GET /v1/jobs/{id} answers it at that moment). Returns the function that stops
   * the stream early (the client went away); it removes every listener and timer.
   */
  follow(jobId: string, lastEventId: number, sink: EventSink): () => void {
    let cursor = lastEventId;
    let closed = false;
    const pump = () => {
      try {
        while (!closed) {
          const batch = this.store.jobEvents.after(jobId, cursor, 200);
          if (batch.length === 0) return;
          for (const row of batch) {
            cursor = row.id;
            sink.send(this.streamed(row));
            if (TERMINAL.has(row.type)) return close();
          }
        }
      } catch {
        // The store is gone (the server is stopping): the client reconnects and resumes elsewhere.
        close();
      }
    };
    const off = this.bus.on(jobId, pump);
    const poll = setInterval(pump, this.opts.pollMs ?? 1000);
    const beat = setInterval(() => sink.comment('heartbeat'), this.opts.heartbeatMs);
    const close = () => {
      if (closed) return;
      closed = true;
      this.streams--;
      off();
      clearInterval(poll);
      clearInterval(beat);
      sink.end();
    };
    this.streams++;
    pump();
    return close;
  }

  private streamed(row: JobEventRow): StreamedEvent {
    if (TERMINAL.has(row.type)) {
      const job = this.store.jobs.get(row.job_id);
      if (job) return { id: row.id, event: row.type, data: this.view(job) };
    }
    return { id: row.id, event: row.type, data: JSON.parse(row.data_json) as unknown };
  }

  private append(jobId: string, type: 'progress' | 'log', data: unknown): void {
    if (this.store.jobEvents.append(jobId, type, data, this.clock.now(), this.opts.maxPerJob)) {
      this.bus.changed(jobId);
    }
  }
}

function isTerminal(job: JobRow): boolean {
  return job.status === 'succeeded' || job.status === 'failed' || job.status === 'canceled';
}
