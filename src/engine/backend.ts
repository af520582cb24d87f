import type { VoiceProfile } from '../audio/types.js';
import { errors } from '../errors.js';
import type {
  AnalysisSlot,
  AudioBackend,
  ChunkResult,
  ReferenceAnalysis,
  ReferenceInspection,
} from './contract.js';
import { FairQueue } from './fair-queue.js';
import { loadSharedKuromojiDictionary, type SharedKuromojiDictionary } from './kuromoji-shared.js';
import type { PackRef } from './packs/manifest.js';
import { combinePools, createEnginePool, type EnginePool } from './pool.js';
import type { EngineWorkerData, WorkerTask } from './tasks.js';
import type { RenderedSpeech } from './types.js';

/** Synthesis workers on one device. */
export interface DevicePlan {
  device: string;
  workers: number;
  intraOpThreads: number;
}

export interface EngineOptions {
  workerFile: string;
  /** One synthesis pool per device. */
  devices: DevicePlan[];
  analysisThreads: number;
  /** Analyses waiting for a thread (all projects), and waiting or running per project, before uploads get 503. */
  analysisQueue: { maxWaiting: number; perProject: number };
  /** Asset paths every worker gets. */
  paths: Pick<EngineWorkerData, 'espeakData' | 'kuromojiDict' | 'onnxRuntime' | 'sileroVad'>;
  /** Nice value of every worker thread (engine.worker_nice). */
  nice: number;
  /** Verified model packs; every synthesis worker loads all of them. */
  packs: PackRef[];
  onCrash?: (err: Error, kind: WorkerTask['kind']) => void;
}

export interface Engines {
  backend: AudioBackend;
  /** Resolves once every worker of every pool has started and warmed up; rejects if one cannot. */
  whenReady: Promise<void>;
  /** The pools once started (for /metrics); undefined while they load. */
  pools(): { synthesis: EnginePool; analysis: EnginePool } | undefined;
  destroy(): Promise<void>;
  /** Graceful: tasks already running finish first (see EnginePool.close). */
  close(): Promise<void>;
}

/**
 * Starts the pools in the background so the server can listen (and say "not ready") meanwhile.
 * Synthesis runs on one pool per device, each worker holding every model pack's sessions; uploads
 * are inspected and analysed on a small CPU pool of their own (no model packs), so a registration
 * is answered while synthesis keeps the devices busy. Buffers cross threads by transfer where the
 * sender is done with them.
 */
export function startEngines(opts: EngineOptions): Engines {
  let pools: { synthesis: EnginePool; analysis: EnginePool } | undefined;
  const start = (threads: number, data: EngineWorkerData) =>
    createEnginePool({ workerFile: opts.workerFile, threads, workerData: data, onCrash: opts.onCrash });
  // The Japanese dictionary is decompressed once, into shared memory that every thread reads, while
  // the threads start; without it (files unreadable) each worker tries its own and names the failure.
  const kuromoji = shareKuromoji(opts.paths.kuromojiDict);
  const paths = { ...opts.paths, kuromojiShared: kuromoji?.dictionary, nice: opts.nice };
  const started = Promise.allSettled([
    start(opts.analysisThreads, { ...paths, role: 'analysis', packs: [], device: 'cpu', intraOpThreads: 1 }),
    ...opts.devices.map((d) =>
      start(d.workers, { ...paths, packs: opts.packs, device: d.device, intraOpThreads: d.intraOpThreads }),
    ),
    ...(kuromoji ? [kuromoji.filled.then(() => undefined)] : []),
  ]);
  const whenReady = started.then(async (results) => {
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    const ok = results.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
    if (failed) {
      await Promise.all(ok.map((p) => p.destroy()));
      throw failed.reason;
    }
    const [analysis, ...synthesis] = ok;
    pools = { analysis: analysis!, synthesis: combinePools(synthesis) };
  });
  whenReady.catch(() => undefined);

  const need = () => {
    if (!pools) throw errors.unavailable('The speech engines are still loading.', 2);
    return pools;
  };
  // Uploads and registration jobs take the analysis threads in turn per project (fair-queue.ts);
  // the pool's own FIFO then never holds more than the threads can start at once.
  const fair = new FairQueue({
    slots: Math.max(1, opts.analysisThreads),
    maxWaiting: opts.analysisQueue.maxWaiting,
    perTenant: opts.analysisQueue.perProject,
  });
  // The signal stays with the fair queue, which answers a canceled caller at once: an analysis has no
  // checkpoints (cancel.ts), so it runs to its end, bounded by max_reference_seconds, with its result
  // dropped, and its project's turn ends when the thread is free.
  const analyse = <T>(task: WorkerTask, slot: AnalysisSlot, transfer?: ArrayBuffer[]): Promise<T> => {
    const pool = need().analysis;
    return fair.run(slot.project, () => pool.run<T>(task, { transfer }), slot);
  };
  const backend: AudioBackend = {
    // Not transferred: the caller stores the upload after inspecting it.
    inspectReference: (req, slot) =>
      analyse<ReferenceInspection>({ kind: 'inspect', bytes: req.bytes, limits: req.limits }, slot),
    analyzeReference: (req, slot) =>
      analyse<ReferenceAnalysis>({ kind: 'analyze', req }, slot, [req.bytes.buffer as ArrayBuffer]),
    renderLine: (req, signal) =>
      need().synthesis.run<RenderedSpeech>({ kind: 'renderLine', req }, { signal }),
    profileVoice: (req) => need().synthesis.run<VoiceProfile>({ kind: 'profileVoice', req }),
    mixChunk: (req, signal) =>
      need().synthesis.run<ChunkResult>(
        { kind: 'mixChunk', req },
        { signal, transfer: req.segments.map((s) => s.samples.buffer as ArrayBuffer) },
      ),
    ready: () => pools !== undefined,
  };
  return {
    backend,
    whenReady,
    // What waits for an analysis thread waits in the fair queue: /metrics counts it there.
    pools: () =>
      pools && {
        synthesis: pools.synthesis,
        analysis: { ...pools.analysis, queued: () => fair.waiting() + pools!.analysis.queued() },
      },
    destroy: async () => {
      await started;
      if (pools) await Promise.all([pools.synthesis.destroy(), pools.analysis.destroy()]);
    },
    close: async () => {
      await started;
      if (pools) await Promise.all([pools.synthesis.close(), pools.analysis.close()]);
    },
  };
}

function shareKuromoji(
  dir: string,
): { dictionary: SharedKuromojiDictionary; filled: Promise<void> } | undefined {
  try {
    return loadSharedKuromojiDictionary(dir);
  } catch {
    return undefined;
  }
}
