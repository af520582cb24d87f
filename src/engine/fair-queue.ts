import { errors } from '../errors.js';

export interface FairQueueOptions {
  /** Tasks run at once (the pool's threads): the rest wait here, not in the pool's own FIFO. */
  slots: number;
  /** Refusable tasks are refused while this many tasks, of all tenants, wait for a slot. */
  maxWaiting: number;
  /** Refusable tasks are refused while their tenant has this many waiting or running. */
  perTenant: number;
  /** Monotonic milliseconds, for the Retry-After estimate. */
  now?: () => number;
}

interface Entry {
  tenant: string;
  seq: number;
  start(): void;
  cancel(reason: unknown): void;
}

/** Assumed length of a task until some have finished (a long reference's inspection). */
const INITIAL_TASK_MS = 5000;
const MAX_RETRY_AFTER_SECONDS = 120;

/**
 * Shares a few worker slots between tenants (projects) in turn: when a slot frees, the tenant with
 * the fewest tasks running, and among those the one served longest ago, goes next. One project's ten
 * heavy uploads therefore hold another project's single upload behind at most the tasks already
 * running, not behind all ten. Tasks that may be refused (a client waiting for an answer) are
 * refused with 503 and a Retry-After when their tenant has its share in hand or the queue is full;
 * the others (accepted jobs) always wait their turn.
 */
export class FairQueue {
  private readonly queues = new Map<string, Entry[]>();
  private readonly running = new Map<string, number>();
  /** When each tenant last got a slot; kept for every tenant seen (projects are few, made by admins). */
  private readonly lastServed = new Map<string, number>();
  private active = 0;
  private waitingCount = 0;
  private seq = 0;
  private tick = 0;
  private averageMs = INITIAL_TASK_MS;
  private readonly now: () => number;

  constructor(private readonly opts: FairQueueOptions) {
    this.now = opts.now ?? (() => performance.now());
  }

  /**
   * Runs `task` when a slot is free. An abort of `signal` takes a waiting task out of the queue; a
   * running one is not interrupted (the task is not given the signal here), its caller is answered
   * with the abort reason at once and the slot is freed when the task ends.
   */
  run<T>(
    tenant: string,
    task: () => Promise<T>,
    opts: { mayRefuse: boolean; signal?: AbortSignal },
  ): Promise<T> {
    if (opts.mayRefuse) this.admit(tenant);
    opts.signal?.throwIfAborted();
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => this.withdraw(entry, opts.signal?.reason);
      const entry: Entry = {
        tenant,
        seq: ++this.seq,
        start: () => {
          opts.signal?.removeEventListener('abort', onAbort);
          // Once running, an abort answers the caller at once, but the slot stays taken until the
          // task really ends: the work goes on in its thread (see run's comment).
          const onRunningAbort = () => reject(opts.signal?.reason);
          opts.signal?.addEventListener('abort', onRunningAbort, { once: true });
          const began = this.now();
          let running: Promise<T>;
          try {
            running = task();
          } catch (err) {
            running = Promise.reject(err as Error);
          }
          running.then(resolve, reject).finally(() => {
            opts.signal?.removeEventListener('abort', onRunningAbort);
            this.release(tenant, this.now() - began);
          });
        },
        cancel: (reason) => reject(reason),
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.enqueue(entry);
      this.pump();
    });
  }

  /** Tasks waiting for a slot (for /metrics). */
  waiting(): number {
    return this.waitingCount;
  }

  private admit(tenant: string): void {
    const held = (this.running.get(tenant) ?? 0) + (this.queues.get(tenant)?.length ?? 0);
    if (held >= this.opts.perTenant) {
      // The project's own share (429, like its job caps); a full queue is the server's condition (503).
      throw errors.shareInUse(
        `This project already has ${held} recordings being analysed; try again when one is done.`,
        this.retryAfterSeconds(),
        { limit: 'analysis_per_project', max: this.opts.perTenant },
      );
    }
    if (this.active >= this.opts.slots && this.waitingCount >= this.opts.maxWaiting) {
      throw errors.unavailable(
        'The upload analysis queue is full; try again shortly.',
        this.retryAfterSeconds(),
        { limit: 'analysis_queue_max_depth', max: this.opts.maxWaiting },
      );
    }
  }

  private enqueue(entry: Entry): void {
    const queue = this.queues.get(entry.tenant);
    if (queue) queue.push(entry);
    else this.queues.set(entry.tenant, [entry]);
    this.waitingCount++;
  }

  private withdraw(entry: Entry, reason: unknown): void {
    const queue = this.queues.get(entry.tenant);
    const i = queue?.indexOf(entry) ?? -1;
    if (!queue || i < 0) return; // already started: the task's own signal handling takes over
    queue.splice(i, 1);
    if (queue.length === 0) this.queues.delete(entry.tenant);
    this.waitingCount--;
    entry.cancel(reason);
  }

  private pump(): void {
    while (this.active < this.opts.slots && this.waitingCount > 0) {
      const tenant = this.nextTenant();
      const queue = this.queues.get(tenant)!;
      const entry = queue.shift()!;
      if (queue.length === 0) this.queues.delete(tenant);
      this.waitingCount--;
      this.active++;
      this.running.set(tenant, (this.running.get(tenant) ?? 0) + 1);
      this.lastServed.set(tenant, ++this.tick);
      entry.start();
    }
  }

  private nextTenant(): string {
    let best: { tenant: string; key: [number, number, number] } | undefined;
    for (const [tenant, queue] of this.queues) {
      const key: [number, number, number] = [
        this.running.get(tenant) ?? 0,
        this.lastServed.get(tenant) ?? 0,
        queue[0]!.seq,
      ];
      if (!best || lessThan(key, best.key)) best = { tenant, key };
    }
    return best!.tenant;
  }

  private release(tenant: string, ms: number): void {
    this.active--;
    const left = (this.running.get(tenant) ?? 1) - 1;
    if (left > 0) this.running.set(tenant, left);
    else this.running.delete(tenant);
    this.averageMs = 0.8 * this.averageMs + 0.2 * ms;
    this.pump();
  }

  /** Roughly when a slot will have room: the tasks ahead, spread over the slots, at the average length. */
  private retryAfterSeconds(): number {
    const ahead = this.waitingCount / this.opts.slots + 1;
    return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil((ahead * this.averageMs) / 1000)));
  }
}

function lessThan(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}
