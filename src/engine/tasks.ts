import type {
  ChunkRequest,
  ChunkResult,
  ReferenceAnalysis,
  ReferenceInspection,
  RenderLineRequest,
} from './contract.js';
import type { SharedKuromojiDictionary } from './kuromoji-shared.js';
import type { PackRef } from './packs/manifest.js';
import type { DecodeLimits } from '../audio/limits.js';
import type { VoiceProfile } from '../audio/types.js';
import type { Language, RenderedSpeech, SpeakRequest } from './types.js';
import type { NeuralVoiceSpec } from './voice-spec.js';
import type { AnalyzeRequest } from './work/analyze.js';

/**
 * What the main thread may ask an engine worker to do. A discriminated union on `kind`: add a
 * member here, its result type to TaskResults, and a handler in handlers.ts (the compiler insists).
 */
export type WorkerTask =
  | { kind: 'ping' }
  | { kind: 'speak'; req: SpeakRequest }
  | { kind: 'inspect'; bytes: Uint8Array; limits: DecodeLimits }
  | { kind: 'analyze'; req: AnalyzeRequest }
  | { kind: 'renderLine'; req: RenderLineRequest }
  | { kind: 'profileVoice'; req: { voice: NeuralVoiceSpec; lang: Language } }
  | { kind: 'mixChunk'; req: ChunkRequest };

/** A task as sent: with the flag its caller raises to cancel it (cancel.ts), when it can be. */
export type SentTask = WorkerTask & { cancel?: SharedArrayBuffer };

export type TaskKind = WorkerTask['kind'];
export type TaskOf<K extends TaskKind> = Extract<WorkerTask, { kind: K }>;

/** A worker's answer to `ping`: proof that its engine is loaded, and which thread it is. */
export interface PingResult {
  threadId: number;
  engine: string;
  languages: readonly Language[];
  /** Milliseconds the engine took to load on this thread. */
  startupMs: number;
  /** Device and model packs loaded (and warmed) on this thread. */
  device: string;
  packs: number;
}

/** Result type per task kind. `speak` samples arrive transferred, not copied. */
export interface TaskResults {
  ping: PingResult;
  speak: RenderedSpeech;
  inspect: ReferenceInspection;
  analyze: ReferenceAnalysis;
  renderLine: RenderedSpeech;
  profileVoice: VoiceProfile;
  mixChunk: ChunkResult;
}

/** `workerData` every engine worker is started with (paths from resolveAppPaths). */
export interface EngineWorkerData {
  espeakData: string;
  kuromojiDict: string;
  /**
   * The kuromoji dictionary in shared memory, decompressed once by the main thread (workers then
   * read kuromojiDict no more); absent, each worker loads its own copy from kuromojiDict.
   */
  kuromojiShared?: SharedKuromojiDictionary;
  /**
   * 'analysis' workers (uploads) load only Silero and, on the first Japanese transcript, the kana
   * reader; eSpeak and model packs are for 'synthesis' workers (the default).
   */
  role?: 'synthesis' | 'analysis';
  /** onnxruntime-node's package directory and the Silero VAD model (every worker loads both). */
  onnxRuntime: string;
  sileroVad: string;
  /** Verified model packs this worker loads (synthesis workers; none for analysis). */
  packs: PackRef[];
  /** Where this worker's sessions run: "cpu" or "cuda:N". */
  device: string;
  /** onnxruntime intra-op threads per session. */
  intraOpThreads: number;
  /** Nice value this thread sets on itself before starting any engine (threads it starts inherit it). */
  nice?: number;
}
