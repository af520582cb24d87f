/**
 * Piscina worker entry (bundled to build/engine-worker.cjs). Creates the engine once per thread,
 * from the paths in workerData, and dispatches tasks by kind through handlers.ts.
 */
import { threadId, workerData } from 'node:worker_threads';
import { createEspeakEngine } from './espeak/engine.js';
import { dispatch, type WorkerContext } from './handlers.js';
import type { EngineWorkerData, WorkerTask } from './tasks.js';
import { movable } from './transfer.js';

async function init(): Promise<WorkerContext> {
  const data = workerData as Partial<EngineWorkerData> | undefined;
  if (typeof data?.espeakData !== 'string' || typeof data.kuromojiDict !== 'string') {
    throw new TypeError('engine worker: workerData must be { espeakData: string, kuromojiDict: string }');
  }
  const started = performance.now();
  const engine = await createEspeakEngine({ espeakData: data.espeakData, kuromojiDict: data.kuromojiDict });
  return { engine, toKana: engine.toKana, threadId, startupMs: Math.round(performance.now() - started) };
}

// Started as soon as piscina loads this module. (Between tasks piscina parks the thread in
// Atomics.wait, which can pause the asynchronous parts until the pool's warm-up ping arrives.)
// A failure is kept and re-thrown to every task, so that ping reports it instead of the thread
// dying during bootstrap, where piscina would stop replacing it.
const context = init();
context.catch(() => {});

export default async function runTask(task: WorkerTask): Promise<unknown> {
  const ctx = await context;
  const { result, transfer } = await dispatch(task, ctx);
  return transfer && transfer.length > 0 ? movable(result, transfer) : result;
}
