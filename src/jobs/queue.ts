import type { Logger } from 'pino';
import { type ErrorCode, isStorageFull, JobFailure, storageFullFailure } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import type { JobRow, JobType } from '../store/jobs-repo.js';
import type { JobsRepo } from '../store/jobs-repo.js';

export interface JobHandlerContext {
  signal: AbortSignal;
  /** `step`: the script line just finished, streamed to the job's event subscribers. */
  progress(fraction: number, step?: { line: number; lines: number }): void;
  /** A line worth the user's eyes in the job's event stream ("mixing", "encoding mp3"). */
  log(message: string): void;
}

/** Where the runner reports what its jobs do (services/job-events.ts); status rows come from the store. */
export interface JobRunEvents {
  changed(jobId: string): void;
  progress(jobId: string, progress: number, line: number, lines: number): void;
  log(jobId: string, level: 'info' | 'warn', message: string): void;
}

export interface JobHandler {
  run(job: JobRow, ctx: JobHandlerContext): Promise<unknown>;
  /** Called when a job fails, so domain state (a pending speaker) follows the job. */
  onFailed?(job: JobRow, code: string, message: string): Promise<void> | void;
  /**
   * Called once when a queued or running job is canceled, right after its row says so (a running
   * one is aborted just after), so domain state follows and what the job would have used is deleted.
   */
  onCanceled?(job: JobRow): Promise<void> | void;
}

export interface JobRunnerOptions {
  concurrency: number;
  maxAttempts: number;
  /** Fallback poll, in case a wake-up is missed; new jobs normally start at once via notify(). */
  pollMs?: number;
  /** Frees the space held for a full disk's bookkeeping (services/space-reserve.ts). */
  releaseSpace?: () => void;
  /**
   * Nodes sharing one database: this node's stable name and how long its hold on a job lasts
   * unrenewed. Absent (a single node): every job left running is this node's own at start.
   */
  lease?: { owner: string; ttlMs: number };
}

/**
 * The durable queue's consumer. The job rows in the database are the queue: a job is claimed with one
 * atomic UPDATE, so a crash at any point leaves either a queued row or a running row, and recover()
 * at start-up requeues (or, past max attempts, fails) every running row. Nothing lives only in memory.
 */
export class JobRunner {
  private readonly running = new Map<string, AbortController>();
  private readonly inflight = new Set<Promise<void>>();
  private stopping = false;
  /** One claiming loop at a time: two would each see room and claim past the concurrency. */
  private pumping = false;
  private pumpAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly jobs: JobsRepo,
    private readonly handlers: Record<JobType, JobHandler>,
    private readonly opts: JobRunnerOptions,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly events?: JobRunEvents,
  ) {}

  /** Jobs left running by a crash or kill: retried while attempts remain, otherwise failed with a reason. */
  async recover(): Promise<{ requeued: number; failed: number }> {
    const lease = this.opts.lease;
    // With leases, only this node's own jobs (from before its restart) and those whose node died.
    const left = lease
      ? [
          ...(await this.jobs.running()).filter((j) => j.lease_owner === lease.owner),
          ...(await this.jobs.expiredLeases(this.clock.now())).filter((j) => j.lease_owner !== lease.owner),
        ]
      : await this.jobs.running();
    const outcome = await this.giveBack(left);
    if (outcome.requeued + outcome.failed > 0)
      this.log.warn(outcome, 'recovered jobs interrupted by a restart');
    return outcome;
  }

  /** Interrupted jobs: retried while attempts remain, otherwise failed with a reason. */
  private async giveBack(left: JobRow[]): Promise<{ requeued: number; failed: number }> {
    let requeued = 0;
    let failed = 0;
    for (const job of left) {
      if (job.attempts < this.opts.maxAttempts) {
        await this.jobs.requeue(job.id);
        requeued++;
      } else {
        const message = `The job was interrupted by a server restart ${job.attempts} times and was not retried again.`;
        await this.jobs.fail(job.id, 'INTERNAL_ERROR', message, this.clock.now());
        await this.handlers[job.type].onFailed?.(job, 'INTERNAL_ERROR', message);
        failed++;
      }
    }
    return { requeued, failed };
  }

  /** Starts claiming jobs. Call recover() first, before the API serves anyone. */
  start(): void {
    this.timer = setInterval(() => this.pump(), this.opts.pollMs ?? 1000);
    this.timer.unref();
    if (this.opts.lease) {
      this.heartbeat = setInterval(() => void this.renew(), Math.max(1000, this.opts.lease.ttlMs / 3));
      this.heartbeat.unref();
    }
    this.pump();
  }

  /**
   * Keeps this node's leases, stops runs whose job was canceled through another node (the lease is
   * no longer this node's or the job no longer runs), and takes over jobs of nodes that died.
   */
  private async renew(): Promise<void> {
    const lease = this.opts.lease;
    if (!lease || this.stopping) return;
    try {
      const mine = [...this.running.keys()];
      const kept = new Set(await this.jobs.renewLeases(lease.owner, mine, this.clock.now() + lease.ttlMs));
      for (const id of mine) {
        if (!kept.has(id)) this.running.get(id)?.abort(new JobFailure('CANCELED', 'Canceled by request.'));
      }
      const orphaned = (await this.jobs.expiredLeases(this.clock.now())).filter(
        (j) => !this.running.has(j.id),
      );
      if (orphaned.length > 0) {
        const outcome = await this.giveBack(orphaned);
        this.log.warn(
          { ...outcome, from: orphaned.map((j) => j.lease_owner) },
          'took over jobs of a node that stopped',
        );
        this.pump();
      }
    } catch (err) {
      this.log.warn({ err }, 'could not renew job leases');
    }
  }

  /** A job was queued: start it now if there is room. */
  notify(): void {
    setImmediate(() => this.pump());
  }

  /**
   * Cancels a queued or running job; a running one is aborted on its worker. Once the row says
   * canceled no completion can land (finishing only moves a running row), so the handler's
   * onCanceled tidies after it without racing the job.
   */
  async cancel(jobId: string): Promise<boolean> {
    const job = await this.jobs.cancel(jobId, this.clock.now());
    if (job) {
      this.events?.changed(jobId);
      try {
        await this.handlers[job.type].onCanceled?.(job);
      } catch (err) {
        // The job is canceled either way; what its handler could not tidy, the retention sweep retries.
        this.log.error({ err, job_id: job.id }, 'cleaning up after a canceled job failed');
      }
    }
    this.running.get(jobId)?.abort(new JobFailure('CANCELED', 'Canceled by request.'));
    return job !== undefined;
  }

  activeCount(): number {
    return this.running.size;
  }

  /**
   * Stops claiming, lets running jobs finish for up to `timeoutMs`, then aborts the rest and puts them
   * back in the queue so the next start runs them again.
   */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    const all = Promise.allSettled([...this.inflight]);
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), timeoutMs).unref()),
    ]);
    if (timedOut) {
      for (const [id, ctl] of this.running) {
        await this.jobs.requeue(id);
        ctl.abort(new Error('server stopping'));
      }
      await all;
    }
  }

  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    this.fill()
      .catch((err: unknown) => this.log.error({ err }, 'could not claim the next job'))
      .finally(() => {
        this.pumping = false;
        if (this.pumpAgain && !this.stopping) {
          this.pumpAgain = false;
          this.pump();
        }
      });
  }

  private async fill(): Promise<void> {
    while (!this.stopping && this.running.size < this.opts.concurrency) {
      const now = this.clock.now();
      const lease = this.opts.lease;
      const job = await this.jobs.claimNext(now, lease && { owner: lease.owner, until: now + lease.ttlMs });
      if (!job) return;
      if (this.stopping) {
        // Claimed as the server began to stop: back to the queue for the next start.
        await this.jobs.requeue(job.id);
        return;
      }
      const p = this.execute(job)
        // Bookkeeping that failed (the database on a full disk) must not end the process: the row
        // stays running and the next start settles it.
        .catch((err: unknown) => this.log.error({ err, job_id: job.id }, 'could not record the end of a job'))
        .finally(() => this.inflight.delete(p));
      this.inflight.add(p);
    }
  }

  private async execute(job: JobRow): Promise<void> {
    const ctl = new AbortController();
    this.running.set(job.id, ctl);
    const log = this.log.child({ job_id: job.id, job_type: job.type });
    log.info({ attempt: job.attempts }, 'job started');
    this.announceStart(job);
    let lastProgress = 0;
    try {
      const result = await this.handlers[job.type].run(job, {
        signal: ctl.signal,
        progress: (f, step) => {
          // Progress writes are cheap but not free; skip changes under 1 %.
          if (f - lastProgress >= 0.01 || f >= 1) {
            lastProgress = f;
            this.jobs
              .setProgress(job.id, Math.min(0.99, f))
              .catch((err: unknown) => log.warn({ err }, 'could not record job progress'));
          }
          if (step) this.events?.progress(job.id, Math.min(0.99, f), step.line, step.lines);
        },
        log: (message) => this.events?.log(job.id, 'info', message),
      });
      // A handler may already have succeeded the job inside its own transaction (with its files);
      // this update only touches a job still running, so it is then a no-op.
      await this.jobs.succeed(job.id, result ?? null, this.clock.now());
      log.info('job succeeded');
    } catch (err) {
      await this.settleFailure(job, err, ctl.signal, log);
    } finally {
      this.events?.changed(job.id);
      this.running.delete(job.id);
      if (!this.stopping) this.notify();
    }
  }

  private announceStart(job: JobRow): void {
    if (!this.events) return;
    this.events.changed(job.id);
    if (job.attempts > 1) {
      const message = `Attempt ${job.attempts} of ${this.opts.maxAttempts}: the previous attempt was interrupted by a restart, so the job starts again.`;
      this.events.log(job.id, 'warn', message);
    }
  }

  private async settleFailure(job: JobRow, err: unknown, signal: AbortSignal, log: Logger): Promise<void> {
    if (signal.aborted && this.stopping) {
      log.info('job returned to the queue by shutdown');
      return;
    }
    const failure =
      err instanceof JobFailure
        ? err
        : signal.reason instanceof JobFailure
          ? signal.reason
          : isStorageFull(err)
            ? storageFullFailure()
            : undefined;
    if (failure?.code === 'CANCELED') {
      log.info('job canceled');
      return;
    }
    const code = failure?.code ?? 'INTERNAL_ERROR';
    const message = failure?.message ?? 'Internal error while running the job.';
    if (!failure) log.error({ err }, 'job failed unexpectedly');
    else log.info({ code }, 'job failed');
    if (await this.recordFailure(job.id, code, message, log)) {
      await this.handlers[job.type].onFailed?.(job, code, message);
    }
  }

  /**
   * On a full disk the failure itself may not fit in the database: the journal's space is given back
   * and the write tried again, so the job still ends saying why.
   */
  private async recordFailure(id: string, code: ErrorCode, message: string, log: Logger): Promise<boolean> {
    try {
      return await this.jobs.fail(id, code, message, this.clock.now());
    } catch (err) {
      if (!isStorageFull(err)) throw err;
      log.warn('disk full while recording a job failure; using the space reserve and retrying');
      this.opts.releaseSpace?.();
      await this.jobs.reclaimJournal();
      return this.jobs.fail(id, code, message, this.clock.now());
    }
  }
}
