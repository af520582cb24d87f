import type { VoiceProfile } from '../audio/types.js';
import type { WordTiming } from '../captions/types.js';
import type { Language } from '../text/languages.js';

// Defined on the floor below (text and captions use them without importing the engine).
export { LANGUAGES, type Language } from '../text/languages.js';
export type { WordTiming } from '../captions/types.js';

/**
 * A pronunciation entry as a line is rendered with it (a project lexicon's entry): the grapheme is
 * said as the `alias` text, or as the IPA `phonemes` where the engine takes phonemes.
 */
export interface LineLexiconEntry {
  grapheme: string;
  alias?: string;
  phonemes?: string;
  /** Default false: matching ignores case. */
  caseSensitive?: boolean;
}

/** An IPA entry as the engines apply it to a sentence (eSpeak as phoneme input, neural voices as IPA). */
export type PhonemeEntry = Required<Pick<LineLexiconEntry, 'grapheme' | 'phonemes'>> &
  Pick<LineLexiconEntry, 'caseSensitive'>;

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
  /** The line's IPA lexicon entries: eSpeak says the words they name from these phonemes. */
  ipa?: readonly PhonemeEntry[];
}

/** A speech engine as the worker sees it. Created once per worker thread and reused. */
export interface SpeechEngine {
  readonly name: string;
  readonly languages: readonly Language[];
  speak(req: SpeakRequest): Promise<RenderedSpeech>;
}
