import type { VoiceProfile } from '../audio/types.js';
import type { WordTiming } from '../captions/types.js';
import type { Language } from '../text/languages.js';

// Defined on the floor below (text and captions use them without importing the engine).
export { LANGUAGES, type Language } from '../text/languages.js';
export type { WordTiming } from '../captions/types.js';

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
  /** Tempo relative to the voice's own (1 = unchanged, 1.25 = 25 % faster). */
  speed?: number;
}

/** A speech engine as the worker sees it. Created once per worker thread and reused. */
export interface SpeechEngine {
  readonly name: string;
  readonly languages: readonly Language[];
  speak(req: SpeakRequest): Promise<RenderedSpeech>;
}

/** Which neural voice speaks, and how fast (1 = the voice's own tempo). `pack` is the pack's name. */
export type NeuralVoiceSpec =
  | { engine: 'piper'; pack: string; speakerId?: number; speed: number }
  | {
      engine: 'kokoro';
      pack: string;
      /** Style table entries and their weights (one entry: a preset voice; more: a blend). */
      blend: Array<{ style: string; weight: number }>;
      /** eSpeak voice for the phonemes (en-us, en-gb, ja…): the preset voice's language. */
      espeakVoice: string;
      speed: number;
    };

/** The voice of one script line: the built-in engine shaped by a profile, or a neural preset. */
export type LineVoice = { engine: 'builtin'; profile: VoiceProfile | null; speed: number } | NeuralVoiceSpec;
