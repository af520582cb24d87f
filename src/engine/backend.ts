import { errors } from '../errors.js';
import type {
  AudioBackend,
  MixedProgram,
  ReferenceAnalysis,
  ReferenceInspection,
} from '../services/backend.js';
import { createEnginePool, type EnginePool } from './pool.js';
import type { RenderedSpeech } from './types.js';

export interface EngineOptions {
  workerFile: string;
  synthesisThreads: number;
  analysisThreads: number;
  workerData: unknown;
}

export interface Engines {
  backend: AudioBackend;
  /** Resolves once every worker of both pools has started and warmed up; rejects if one cannot. */
  whenReady: Promise<void>;
  /** Both pools once started (for /metrics); undefined while they load. */
  pools(): { synthesis: EnginePool; analysis: EnginePool } | undefined;
  destroy(): Promise<void>;
}

/**
 * Starts the pools in the background so the server can listen (and say "not ready") meanwhile.
 * Uploads are inspected and analysed on a small pool of their own, so a registration is answered
 * while synthesis keeps the main pool busy. Buffers cross threads by transfer where the sender is
 * done with them.
 */
export function startEngines(opts: EngineOptions): Engines {
  let pools: { synthesis: EnginePool; analysis: EnginePool } | undefined;
  const started = Promise.allSettled([
    createEnginePool({
      workerFile: opts.workerFile,
      threads: opts.synthesisThreads,
      workerData: opts.workerData,
    }),
    createEnginePool({
      workerFile: opts.workerFile,
      threads: opts.analysisThreads,
      workerData: opts.workerData,
    }),
  ]);
  const whenReady = started.then(async ([synthesis, analysis]) => {
    if (synthesis.status === 'fulfilled' && analysis.status === 'fulfilled') {
      pools = { synthesis: synthesis.value, analysis: analysis.value };
      return;
    }
    await Promise.all(
      [synthesis, analysis].map((r) => (r.status === 'fulfilled' ? r.value.destroy() : undefined)),
    );
    throw synthesis.status === 'rejected' ? synthesis.reason : (analysis as PromiseRejectedResult).reason;
  });
  whenReady.catch(() => undefined);

  const need = () => {
    if (!pools) throw errors.unavailable('The speech engines are still loading.', 2);
    return pools;
  };
  const backend: AudioBackend = {
    // Not transferred: the caller stores the upload after inspecting it.
    inspectReference: (bytes) => need().analysis.run<ReferenceInspection>({ kind: 'inspect', bytes }),
    analyzeReference: (req) =>
      need().analysis.run<ReferenceAnalysis>(
        { kind: 'analyze', req },
        { transfer: [req.bytes.buffer as ArrayBuffer] },
      ),
    renderLine: (req, signal) =>
      need().synthesis.run<RenderedSpeech>({ kind: 'renderLine', req }, { signal }),
    mix: (req, signal) =>
      need().synthesis.run<MixedProgram>(
        { kind: 'mix', req },
        { signal, transfer: req.segments.map((s) => s.samples.buffer as ArrayBuffer) },
      ),
    ready: () => pools !== undefined,
  };
  return {
    backend,
    whenReady,
    pools: () => pools,
    destroy: async () => {
      await started;
      if (pools) await Promise.all([pools.synthesis.destroy(), pools.analysis.destroy()]);
    },
  };
}
