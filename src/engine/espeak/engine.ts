import { spectralTilt } from '../../audio/tilt.js';
import { nonSilentRegions } from '../../audio/vad.js';
import { createJapaneseReader, type JapaneseReader } from '../japanese.js';
import type { SharedKuromojiDictionary } from '../kuromoji-shared.js';
import {
  LANGUAGES,
  type Language,
  type PhonemeEntry,
  type RenderedSpeech,
  type SpeakRequest,
  type SpeechEngine,
} from '../types.js';
import { createVoiceMapper, MAX_RATE, MIN_RATE } from './calibration.js';
import { clamp } from './curves.js';
import { type Espeak, loadEspeak } from './module.js';
import { espeakSpeech, unitsWithPhonemes } from './lexicon.js';
import { buildEspeakInput, foldUnspeakable, splitWords, type TextUnit } from './text.js';
import { wordTimings } from './timing.js';

export interface EspeakEnginePaths {
  espeakData: string;
  kuromojiDict: string;
  /** The dictionary decompressed once by the main thread; read from kuromojiDict when absent. */
  kuromojiShared?: SharedKuromojiDictionary;
}

/** Pauses shorter than this inside a sentence do not end a word early (stop closures, short gaps). */
const PAUSE_SECONDS = 0.12;
/** Level below which eSpeak's output counts as silence when ending words. */
const SILENCE_DB = -45;
/** eSpeak's largest sample (int16 full scale); tilted output is kept within it. */
const FULL_SCALE = 32767 / 32768;

/** The engine plus the Japanese reader it already holds, for workers that need kana (analysis). */
export interface EspeakEngine extends SpeechEngine {
  toKana(text: string): string;
  /**
   * Caption words of a text as this engine reads them (kuromoji words with kana for Japanese); the
   * stretches IPA lexicon entries name are units of their own carrying the entry's IPA.
   */
  units(lang: Language, text: string, ipa?: readonly PhonemeEntry[]): TextUnit[];
  /** The eSpeak module itself, for neural voices that need its IPA. */
  readonly espeak: Espeak;
}

/** Short enough to cost little, long enough for V8 to compile eSpeak's hot WASM paths. */
const WARM_UP: Record<Language, string> = { en: 'Hello there.', ko: '안녕하세요.', ja: 'こんにちは。' };

/**
 * The built-in engine: eSpeak NG (WASM) for ko/en/ja, kuromoji to read Japanese kanji. Both load
 * from the given paths in parallel (~0.8 s, mostly the dictionary); each language is then spoken
 * once so the first real request does not pay for WASM tier-up. Voice calibration happens lazily per
 * language and variant on first use of a profile; a profile's brightness is matched by tilting the
 * spectrum of eSpeak's output (calibration.ts, brightness.ts).
 */
export async function createEspeakEngine(paths: EspeakEnginePaths): Promise<EspeakEngine> {
  const [espeak, japanese] = await Promise.all([
    loadEspeak(paths.espeakData),
    createJapaneseReader(paths.kuromojiDict, paths.kuromojiShared),
  ]);
  const voices = createVoiceMapper(espeak);
  for (const lang of LANGUAGES) espeak.synthesize(WARM_UP[lang], voices.settingsFor(lang, null));

  const unitsOf = (lang: Language, text: string, ipa: readonly PhonemeEntry[] = []): TextUnit[] =>
    foldUnspeakable(unitsWithPhonemes(text, ipa, (t) => unitsFor(lang, t, japanese)));

  async function speak(req: SpeakRequest): Promise<RenderedSpeech> {
    if (!LANGUAGES.includes(req.lang)) throw new RangeError(`unsupported language: ${String(req.lang)}`);
    const units = unitsOf(req.lang, req.text, req.ipa).map((u) => espeakSpeech(u, req.lang));
    if (units.length === 0) return { samples: new Float32Array(0), sampleRate: espeak.sampleRate, words: [] };
    const input = buildEspeakInput(units);
    const base = voices.settingsFor(req.lang, req.profile);
    const speed = req.speed ?? 1;
    const settings =
      speed === 1 ? base : { ...base, rate: clamp(Math.round(base.rate * speed), MIN_RATE, MAX_RATE) };
    const out = espeak.synthesize(input.text, settings);
    // Brightness: one shelf biquad, so timing is untouched (sub-millisecond group delay) and the
    // result stays a function of the request. Applied before the sound regions are measured, so
    // word ends are judged on the audio that is returned.
    const tiltDb = voices.tiltFor(req.lang, req.profile, settings);
    const samples = tiltDb === 0 ? out.samples : tilted(out.samples, espeak.sampleRate, tiltDb);
    const duration = samples.length / espeak.sampleRate;
    const sound = nonSilentRegions(
      { samples, sampleRate: espeak.sampleRate },
      { thresholdDb: SILENCE_DB, minGapSeconds: PAUSE_SECONDS },
    );
    return {
      samples,
      sampleRate: espeak.sampleRate,
      words: wordTimings(units, input, out.words, sound, espeak.sampleRate, duration),
    };
  }

  return {
    name: 'espeak-ng',
    languages: LANGUAGES,
    speak,
    toKana: (text) => japanese.toKana(text),
    units: unitsOf,
    espeak,
  };
}

/**
 * eSpeak already peaks near full scale, and a darkening tilt lifts the lows that carry the peaks (by
 * up to ~3 dB), so a rendering that would leave [-1, 1] is scaled back into it. Only the level
 * changes, and the mixer sets every line's loudness anyway.
 */
function tilted(samples: Float32Array, sampleRate: number, db: number): Float32Array {
  const out = spectralTilt({ samples, sampleRate }, db).samples;
  let peak = 0;
  for (const v of out) peak = Math.max(peak, Math.abs(v));
  if (peak > FULL_SCALE) {
    const g = FULL_SCALE / peak;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! * g;
  }
  return out;
}

function unitsFor(lang: Language, text: string, japanese: JapaneseReader): TextUnit[] {
  if (lang === 'ja') return japanese.words(text).map((w) => ({ source: w.surface, speak: w.kana }));
  return splitWords(text);
}
