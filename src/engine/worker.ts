/**
 * Piscina worker entry (bundled to build/engine-worker.cjs). Creates the engines once per thread,
 * from the paths in workerData, and dispatches tasks by kind through handlers.ts.
 */
import { threadId, workerData } from 'node:worker_threads';
import { Mp3Lame } from '../audio/mp3-lame.js';
import { checkpointOf } from './cancel.js';
import { createEspeakEngine, type EspeakEngine } from './espeak/engine.js';
import { maybeCrashForTest } from './faults.js';
import { dispatch, type WorkerContext } from './handlers.js';
import { createJapaneseReader, sharedJapaneseReader } from './japanese.js';
import { whenFilled } from './kuromoji-shared.js';
import { NeuralEngines } from './neural/engines.js';
import { executionProviders } from './onnx/devices.js';
import { loadOnnxRuntime } from './onnx/runtime.js';
import { SileroVad } from './silero/vad.js';
import type { EngineWorkerData, SentTask } from './tasks.js';
import { LANGUAGES, type SpeechEngine } from './types.js';
import { lowerThreadPriority } from './thread-priority.js';
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
  if (data.nice) lowerThreadPriority(data.nice);
  const ort = loadOnnxRuntime(data.onnxRuntime);
  const vad = await SileroVad.load(ort, data.sileroVad);
  let lame: Promise<Mp3Lame> | undefined;
  const base = { vad, threadId, device: data.device, mp3: () => (lame ??= Mp3Lame.create()) };
  if (data.role === 'analysis') return { ...base, ...(await analysisTools(data)), startupMs: since(started) };
  const engine = await createEspeakEngine(data);
  const neural = await NeuralEngines.load(ort, data.packs, engine, {
    intraOpThreads: data.intraOpThreads,
    executionProviders: executionProviders(data.device),
  });
  // The first run of a session allocates and tunes its kernels; do it before saying "ready".
  await neural.warmUp();
  return { ...base, engine, neural, toKana: engine.toKana, startupMs: since(started) };
}

/**
 * Uploads need Silero and, for Japanese transcripts, kana readings; not eSpeak (~90 MB a thread
 * with its calibration) nor model packs. Over the shared dictionary the reader is built on the
 * first Japanese transcript; eSpeak only if a synthesis task ever reached this thread.
 */
async function analysisTools(
  data: EngineWorkerData,
): Promise<Pick<WorkerContext, 'engine' | 'neural' | 'toKana'>> {
  const shared = data.kuromojiShared;
  let kana: ((text: string) => string) | undefined;
  if (shared) await whenFilled(shared);
  else kana = (await createJapaneseReader(data.kuromojiDict)).toKana;
  const toKana = (text: string) => (kana ??= sharedJapaneseReader(shared!).toKana)(text);
  return { engine: lazyEngine(() => createEspeakEngine(data)), neural: NeuralEngines.none(), toKana };
}

function lazyEngine(load: () => Promise<EspeakEngine>): SpeechEngine {
  let engine: Promise<EspeakEngine> | undefined;
  return {
    name: 'espeak-ng',
    languages: LANGUAGES,
    speak: async (req) => (await (engine ??= load())).speak(req),
  };
}

function since(t0: number): number {
  return Math.round(performance.now() - t0);
}

// Started as soon as piscina loads this module. (Between tasks piscina parks the thread in
// Atomics.wait, which can pause the asynchronous parts until the pool's warm-up ping arrives.)
// A failure is kept and re-thrown to every task, so that ping reports it instead of the thread
// dying during bootstrap, where piscina would stop replacing it.
const context = init();
context.catch(() => {});

export default async function runTask(task: SentTask): Promise<unknown> {
  const ctx = await context;
  const checkpoint = checkpointOf(task.cancel);
  // A task canceled while it waited for this thread (or for the engines to load) does no work.
  checkpoint();
  maybeCrashForTest(task.kind);
  const { result, transfer } = await dispatch(task, ctx, checkpoint);
  return transfer && transfer.length > 0 ? movable(result, transfer) : result;
}
