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
  /** Each job's appends in the order they were made: the last one written, per job. */
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Pick<Store, 'jobs' | 'jobEvents'>,
    private readonly bus: JobEventBus,
    private readonly view: (job: JobRow) => Promise<JobView>,
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
  async check(who: Principal, jobId: string, lastEventId: number): Promise<{ done: boolean }> {
    if (!isWellFormedId(jobId, 'job')) throw errors.notFound('Job');
    const job = await this.store.jobs.get(jobId, who.admin ? undefined : who.project);
    if (!job) throw errors.notFound('Job');
    return {
      done: isTerminal(job) && (await this.store.jobEvents.after(jobId, lastEventId, 1)).length === 0,
    };
  }

  /**
   * Streams the job's events after `lastEventId` into `sink` until the terminal event, which carries
   * the job's view (as GET /v1/jobs/{id} answers it at that moment). Returns the function that stops
   * the stream early (the client went away); it removes every listener and timer.
   */
  follow(jobId: string, lastEventId: number, sink: EventSink): () => void {
    let cursor = lastEventId;
    let closed = false;
    // One read at a time, so events go out once and in order; a wake-up meanwhile reads again after.
    let reading = false;
    let again = false;
    const read = async () => {
      while (!closed) {
        const batch = await this.store.jobEvents.after(jobId, cursor, 200);
        if (batch.length === 0) return;
        for (const row of batch) {
          const event = await this.streamed(row);
          if (closed) return;
          cursor = row.id;
          sink.send(event);
          if (TERMINAL.has(row.type)) return close();
        }
      }
    };
    const pump = () => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      read()
        // The store is gone (the server is stopping): the client reconnects and resumes elsewhere.
        .catch(() => close())
        .finally(() => {
          reading = false;
          if (again && !closed) {
            again = false;
            pump();
          }
        });
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

  private async streamed(row: JobEventRow): Promise<StreamedEvent> {
    if (TERMINAL.has(row.type)) {
      const job = await this.store.jobs.get(row.job_id);
      if (job) return { id: row.id, event: row.type, data: await this.view(job) };
    }
    return { id: row.id, event: row.type, data: JSON.parse(row.data_json) as unknown };
  }

  /** Written behind the job's previous append; a failed write loses that line, never the job. */
  private append(jobId: string, type: 'progress' | 'log', data: unknown): void {
    const at = this.clock.now();
    const write = (this.tails.get(jobId) ?? Promise.resolve())
      .then(() => this.store.jobEvents.append(jobId, type, data, at, this.opts.maxPerJob))
      .then(
        (added) => {
          if (added) this.bus.changed(jobId);
        },
        () => undefined,
      )
      .finally(() => {
        if (this.tails.get(jobId) === write) this.tails.delete(jobId);
      });
    this.tails.set(jobId, write);
  }

  /** Resolves once every append made so far has been written (tests, and a stopping server). */
  async settled(): Promise<void> {
    await Promise.all([...this.tails.values()]);
  }
}

function isTerminal(job: JobRow): boolean {
  return job.status === 'succeeded' || job.status === 'failed' || job.status === 'canceled';
}
