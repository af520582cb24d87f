import type { Transferable } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { abortError, untilAborted } from './cancel.js';
import type { PingResult, SentTask, WorkerTask } from './tasks.js';

export interface RunOptions {
  /**
   * Aborting rejects the run at once; the thread stops at the task's next checkpoint and stays
   * (it is never terminated: see cancel.ts).
   */
  signal?: AbortSignal;
  transfer?: Transferable[];
}

export interface EnginePool {
  run<T>(task: WorkerTask, opts?: RunOptions): Promise<T>;
  /** Worker threads (fixed). */
  readonly size: number;
  /** Tasks waiting for a free thread. */
  queued(): number;
  /** Threads running a task right now. */
  busy(): number;
  destroy(): Promise<void>;
  /**
   * Lets running tasks finish, then stops the threads. Terminating a thread inside onnxruntime's
   * native code aborts the whole process, so a graceful stop uses this, never destroy().
   */
  close(): Promise<void>;
}

export interface EnginePoolOptions {
  /** The bundled worker (build/engine-worker.cjs); piscina's worker.js must sit beside the pool code. */
  workerFile: string;
  threads: number;
  workerData: unknown;
  /** How long every thread may take to load its engine. Default 120 s (slow disks, busy CPUs). */
  startupTimeoutMs?: number;
  /** Told when a thread died under a task (which is then run once more on its replacement). */
  onCrash?: (err: Error, kind: WorkerTask['kind']) => void;
}

/**
 * Starts `threads` engine workers and resolves only once every one of them has answered a ping,
 * i.e. has its engine loaded; that is what /readyz reports. A worker that cannot start (missing
 * worker file, bad asset path) rejects the returned promise with the worker's own error, and the
 * pool is torn down: piscina gives up respawning workers that fail while bootstrapping, which
 * would otherwise leave a pool that queues work forever.
 */
export async function createEnginePool(opts: EnginePoolOptions): Promise<EnginePool> {
  const threads = Math.max(1, Math.floor(opts.threads));
  const piscina = new Piscina({
    filename: opts.workerFile,
    minThreads: threads,
    maxThreads: threads,
    // One task per thread: synthesis is CPU-bound, interleaving would only add latency.
    concurrentTasksPerWorker: 1,
    // Threads are never retired for idleness: each one holds a loaded engine (~1 s to rebuild).
    idleTimeout: 2 ** 31 - 1,
    workerData: opts.workerData,
  });
  // A worker dying with no task in hand is reported as a pool 'error'; unhandled, that would
  // crash the process. Keep the latest one for the start-up message and to surface later.
  let lastError: Error | undefined;
  piscina.on('error', (err: unknown) => {
    lastError = err instanceof Error ? err : new Error(String(err));
  });

  // Counts a task until its thread is done with it, even when its caller stopped waiting (abort).
  let inFlight = 0;
  // No signal reaches piscina: it would terminate the thread (see cancel.ts); the flag asks instead.
  const runOnce = (task: SentTask, transfer: Transferable[] | undefined) =>
    piscina.run(task, { transferList: transfer as never });
  const runCounted = async (task: SentTask, runOpts: RunOptions): Promise<unknown> => {
    inFlight++;
    try {
      try {
        return await runOnce(task, runOpts.transfer);
      } catch (err) {
        // piscina has already started a replacement thread; a task whose buffers were moved
        // cannot be sent again (they went down with the thread).
        if (!isWorkerCrash(err) || runOpts.signal?.aborted || runOpts.transfer?.length) throw err;
        opts.onCrash?.(err as Error, task.kind);
        return await runOnce(task, runOpts.transfer);
      }
    } finally {
      inFlight--;
    }
  };
  const pool: EnginePool = {
    size: threads,
    async run<T>(task: WorkerTask, runOpts: RunOptions = {}) {
      const { signal } = runOpts;
      if (!signal) return (await runCounted(task, runOpts)) as T;
      if (signal.aborted) throw abortError(signal);
      const cancel = new SharedArrayBuffer(4);
      const work = runCounted({ ...task, cancel }, runOpts);
      work.catch(() => undefined); // an aborted caller no longer listens; the thread's TaskCanceled ends here
      return (await untilAborted(work, signal, cancel)) as T;
    },
    queued: () => piscina.queueSize,
    busy: () => Math.max(0, Math.min(threads, inFlight - piscina.queueSize)),
    destroy: () => piscina.destroy(),
    close: () => piscina.close({ force: true }),
  };

  try {
    await withTimeout(warmUp(pool, threads), opts.startupTimeoutMs ?? 120_000, () => lastError);
  } catch (err) {
    await piscina.destroy().catch(() => {});
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`engine workers failed to start (${opts.workerFile}): ${reason}`, { cause: err });
  }
  return pool;
}

/** A thread that exited (process.exit, out of memory) rather than a task that threw. */
export function isWorkerCrash(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  return err.message.startsWith('worker exited with code') || code === 'ERR_WORKER_OUT_OF_MEMORY';
}

/**
 * Several pools (one per device) behind one interface: each task goes to the pool with the least
 * work per thread, so a GPU and the CPU, or two GPUs, share a job's lines.
 */
export function combinePools(pools: readonly EnginePool[]): EnginePool {
  if (pools.length === 1) return pools[0]!;
  const load = (p: EnginePool) => (p.busy() + p.queued()) / p.size;
  return {
    size: pools.reduce((a, p) => a + p.size, 0),
    run: (task, o) => pools.reduce((best, p) => (load(p) < load(best) ? p : best)).run(task, o),
    queued: () => pools.reduce((a, p) => a + p.queued(), 0),
    busy: () => pools.reduce((a, p) => a + p.busy(), 0),
    destroy: async () => {
      await Promise.all(pools.map((p) => p.destroy()));
    },
    close: async () => {
      await Promise.all(pools.map((p) => p.close()));
    },
  };
}

/**
 * Pings until every thread has answered. Concurrent pings land on distinct idle threads (one task
 * per thread), so this normally takes a single round.
 */
async function warmUp(pool: EnginePool, threads: number): Promise<PingResult[]> {
  const seen = new Map<number, PingResult>();
  for (let round = 0; seen.size < threads; round++) {
    if (round >= 5) throw new Error(`only ${seen.size} of ${threads} threads answered`);
    const replies = await Promise.all(
      Array.from({ length: threads - seen.size }, () => pool.run<PingResult>({ kind: 'ping' })),
    );
    for (const r of replies) seen.set(r.threadId, r);
  }
  return [...seen.values()];
}

function withTimeout<T>(p: Promise<T>, ms: number, lastError: () => Error | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const detail = lastError()?.message;
      reject(new Error(`no answer within ${ms} ms${detail ? ` (last worker error: ${detail})` : ''}`));
    }, ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
