import type { AudioFormat, VoiceProfile } from '../audio/types.js';
import type { Language, LineLexiconEntry, RenderedSpeech } from './types.js';
import type { LineVoice, NeuralVoiceSpec } from './voice-spec.js';

/**
 * What the services need from the worker pools. Everything heavy (decoding, analysis, synthesis,
 * mixing, encoding) happens behind this interface, on worker threads, never on the event loop.
 */
export interface AudioBackend {
  /** Quick look at an upload: can it be decoded, and how much speech does it hold? */
  inspectReference(bytes: Uint8Array): Promise<ReferenceInspection>;
  /** The full analysis a registration job runs: voice profile and transcript plausibility. */
  analyzeReference(req: {
    bytes: Uint8Array;
    transcript: string;
    lang: Language;
  }): Promise<ReferenceAnalysis>;
  /**
   * One script line in one voice: normalized to its spoken form, sentences split, spoken, joined
   * with short pauses, silence trimmed; word timings come back in the line's written form.
   */
  renderLine(req: RenderLineRequest, signal?: AbortSignal): Promise<RenderedSpeech>;
  /** Measures a neural preset voice the way references are measured (for matching speakers). */
  profileVoice(req: { voice: NeuralVoiceSpec; lang: Language }): Promise<VoiceProfile>;
  /** Places rendered lines on one timeline, levels loudness, resamples and encodes. */
  mix(req: MixRequest, signal?: AbortSignal): Promise<MixedProgram>;
  /** True once every worker has started and warmed up. */
  ready(): boolean;
}

export type ReferenceInspection =
  | { ok: true; format: AudioFormat; sampleRate: number; durationSeconds: number; speechSeconds: number }
  | { ok: false; reason: string };

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

export interface MixRequest {
  segments: Array<{ samples: Float32Array; sampleRate: number; gapBefore: number }>;
  sampleRate: number;
  format: AudioFormat;
  targetLufs: number;
  mp3Kbps: number;
  /** Silence after the last segment, so players do not clip the final word. */
  tailSeconds: number;
}

export interface MixedProgram {
  bytes: Uint8Array;
  durationSeconds: number;
  /** Where each segment's samples lie in the program (word times are relative to this start). */
  placements: Array<{ start: number; end: number }>;
  /** Where each segment is audible in the program: the caption times. */
  speech: Array<{ start: number; end: number }>;
}
