import type { VoiceProfile } from '../audio/types.js';

export const LANGUAGES = ['ko', 'en', 'ja'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A word as the engine spoke it: times in seconds from the start of the returned audio. */
export interface WordTiming {
  text: string;
  start: number;
  end: number;
}

/** One rendered stretch of speech (a line or a sentence), engine sample rate, mono. */
export interface RenderedSpeech {
  samples: Float32Array;
  sampleRate: number;
  words: WordTiming[];
}

export interface SpeakRequest {
  text: string;
  lang: Language;
  /** Null: the engine's default voice for the language. */
  profile: VoiceProfile | null;
}

/** A speech engine as the worker sees it. Created once per worker thread and reused. */
export interface SpeechEngine {
  readonly name: string;
  readonly languages: readonly Language[];
  speak(req: SpeakRequest): Promise<RenderedSpeech>;
}
