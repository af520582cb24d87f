/**
 * Piscina worker entry (bundled to build/engine-worker.cjs). Creates the engines once per thread,
 * from the paths in workerData, and dispatches tasks by kind through handlers.ts.
 */
import { threadId, workerData } from 'node:worker_threads';
import { createEspeakEngine } from './espeak/engine.js';
import { maybeCrashForTest } from './faults.js';
import { dispatch, type WorkerContext } from './handlers.js';
import { NeuralEngines } from './neural/engines.js';
import { executionProviders } from './onnx/devices.js';
import { loadOnnxRuntime } from './onnx/runtime.js';
import { SileroVad } from './silero/vad.js';
import type { EngineWorkerData, WorkerTask } from './tasks.js';
import { movable } from './transfer.js';

function checkWorkerData(data: unknown): EngineWorkerData {
  const d = data as Partial<EngineWorkerData> | undefined;
  for (const key of ['espeakData', 'kuromojiDict', 'onnxRuntime', 'sileroVad', 'device'] as const)
    if (typeof d?.[key] !== 'string')
      throw new TypeError(`engine worker: workerData.${key} must be a string`);
  if (!Array.isArray(d!.packs)) throw new TypeError('engine worker: workerData.packs must be an array');
  return d as EngineWorkerData;
}

async function init(): Promise<WorkerContext> {
  const data = checkWorkerData(workerData);
  const started = performance.now();
  const engine = await createEspeakEngine({ espeakData: data.espeakData, kuromojiDict: data.kuromojiDict });
  const ort = loadOnnxRuntime(data.onnxRuntime);
  const vad = await SileroVad.load(ort, data.sileroVad);
  const neural = await NeuralEngines.load(ort, data.packs, engine, {
    intraOpThreads: data.intraOpThreads,
    executionProviders: executionProviders(data.device),
  });
  // The first run of a session allocates and tunes its kernels; do it before saying "ready".
  await neural.warmUp();
  return {
    engine,
    neural,
    vad,
    toKana: engine.toKana,
    threadId,
    device: data.device,
    startupMs: Math.round(performance.now() - started),
  };
}

// Started as soon as piscina loads this module. (Between tasks piscina parks the thread in
// Atomics.wait, which can pause the asynchronous parts until the pool's warm-up ping arrives.)
// A failure is kept and re-thrown to every task, so that ping reports it instead of the thread
// dying during bootstrap, where piscina would stop replacing it.
const context = init();
context.catch(() => {});

export default async function runTask(task: WorkerTask): Promise<unknown> {
  const ctx = await context;
  maybeCrashForTest(task.kind);
  const { result, transfer } = await dispatch(task, ctx);
  return transfer && transfer.length > 0 ? movable(result, transfer) : result;
}
