import type { DecodeLimits, LimitBreach } from '../audio/limits.js';
import type { ChunkEncoding } from '../audio/chunk-cut.js';
import type { AudioFormat, VoiceProfile } from '../audio/types.js';
import type { Language, LineLexiconEntry, RenderedSpeech } from './types.js';
import type { LineVoice, NeuralVoiceSpec } from './voice-spec.js';

/**
 * What the services need from the worker pools. Everything heavy (decoding, analysis, synthesis,
 * mixing, encoding) happens behind this interface, on worker threads, never on the event loop.
 */
export interface AudioBackend {
  /** Quick look at an upload: can it be decoded within the limits, and how much speech does it hold? */
  inspectReference(
    req: { bytes: Uint8Array; limits: DecodeLimits },
    slot: AnalysisSlot,
  ): Promise<ReferenceInspection>;
  /** The full analysis a registration job runs: voice profile and transcript plausibility. */
  analyzeReference(
    req: { bytes: Uint8Array; transcript: string; lang: Language; limits: DecodeLimits },
    slot: AnalysisSlot,
  ): Promise<ReferenceAnalysis>;
  /**
   * One script line in one voice: normalized to its spoken form, sentences split, spoken, joined
   * with short pauses, silence trimmed; word timings come back in the line's written form.
   */
  renderLine(req: RenderLineRequest, signal?: AbortSignal): Promise<RenderedSpeech>;
  /** Measures a neural preset voice the way references are measured (for matching speakers). */
  profileVoice(req: { voice: NeuralVoiceSpec; lang: Language }): Promise<VoiceProfile>;
  /** Levels, resamples and places lines in one stretch of a programme and encodes it. */
  mixChunk(req: ChunkRequest, signal?: AbortSignal): Promise<ChunkResult>;
  /** True once every worker has started and warmed up. */
  ready(): boolean;
}

/**
 * Whose analysis this is. The analysis workers are shared between projects in turn, so one project's
 * uploads cannot hold another's behind them.
 */
export interface AnalysisSlot {
  project: string;
  /**
   * An upload whose client is waiting may be refused (503) when its project already has its share
   * queued or the queue is full; an accepted registration job is never refused, it waits its turn.
   */
  mayRefuse: boolean;
  signal?: AbortSignal;
}

export type ReferenceInspection =
  | { ok: true; format: AudioFormat; sampleRate: number; durationSeconds: number; speechSeconds: number }
  /** `breach`: it decodes, but is outside the limits (too long, too coarsely sampled). */
  | { ok: false; reason: string; breach?: LimitBreach };

export interface ReferenceAnalysis {
  profile: VoiceProfile;
  speechSeconds: number;
  plausibility: { ok: boolean; rate: number; reason?: string };
}

export interface RenderLineRequest {
  text: string;
  lang: Language;
  voice: LineVoice;
  sentenceGapSeconds: number;
  /** Pronunciation entries applied before the normalizer rules (they win over them). */
  lexicon?: LineLexiconEntry[];
}

/**
 * A stretch of a programme to level, place and encode on a worker (see engine/program.ts). Segments
 * are moved to the worker, not copied.
 */
export interface ChunkRequest {
  sampleRate: number;
  /** 'pcm': 16-bit little-endian samples (a WAV file's data); 'mp3': whole frames. */
  encoding: ChunkEncoding;
  mp3Kbps: number;
  /** Programme samples in the chunk. */
  length: number;
  /** `at`: where the segment's first sample goes in the chunk. */
  segments: Array<{ samples: Float32Array; sampleRate: number; at: number }>;
  /** Each segment is levelled to this loudness on its own; absent: taken as it is. */
  targetLufs?: number;
  /** MP3 frames to keep, for a chunk that another continues (audio/chunk-cut.ts); absent: all, flushed. */
  keepFrames?: number;
}

export interface ChunkResult {
  bytes: Uint8Array;
  /** Per segment, where it is audible in the chunk (sample positions): the caption times. */
  speech: Array<{ start: number; end: number }>;
}
