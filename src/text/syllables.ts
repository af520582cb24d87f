import type { Language } from './languages.js';
import { numberSyllables } from './numbers.js';
import { isHangul, isHangulSyllable, isIdeograph, isKana } from './script.js';

// Rough syllable (Japanese: mora) counts of a transcript, used to check that a reference
// recording plausibly says what its transcript says. Heuristics, not a pronunciation lexicon:
// the plausibility bounds below are wide enough to absorb their errors (~10-15 %).

/** Small kana that fuse with the preceding kana into one mora: きゃ, ファ, クォ. */
const MERGING_SMALL_KANA = new Set([...'ゃゅょぁぃぅぇぉゎャュョァィゥェォヮｬｭｮｧｨｩｪｫ']);
/** Kana-block characters that are not morae: (half-width) dakuten marks and middle dots. */
const NON_MORA_KANA = new Set([...'\u3099\u309a゛゜ﾞﾟ・･゠']);

/** Average morae per kanji without a reading: on'yomi are mostly 2 (がく, せい), some 1 (き, か), kun'yomi 1-3. */
const KANJI_MORAE = 1.8;

/**
 * Latin-script words inside Korean or Japanese are spoken as loanwords, which insert vowels
 * into consonant clusters: "test" is 테스트 (3) / テスト (3 morae), "computer" コンピューター (6).
 */
const LOANWORD_FACTOR: Record<Language, number> = { en: 1, ko: 1.5, ja: 2 };

/** Syllables in one English (or other Latin-script) word, by counting vowel groups. */
export function englishWordSyllables(word: string): number {
  const w = word
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
  if (w === '') return 0;
  let groups = w.match(/[aeiouy]+/g)?.length ?? 0;
  if (groups === 0) return 1; // "hmm", "nth", "shh"
  if (groups > 1) {
    if (/[^aeiouy]e(?:ly|ment|ful|ness|less)$/.test(w)) {
      groups--; // silent e kept before a suffix: "lonely", "statement"
    } else if (w.endsWith('e') && !w.endsWith('ee') && !/[^aeiouy]le$/.test(w)) {
      groups--; // silent final e: "make", "there"; but "-le" after a consonant is syllabic: "table"
    } else if (w.endsWith('es') && !/(?:[sxzcg]|ch|sh)es$/.test(w)) {
      groups--; // "makes", "times" vs "boxes", "places", "wishes"
    } else if (w.endsWith('ed') && !/[td]ed$/.test(w)) {
      groups--; // "jumped" vs "wanted", "needed"
    }
  }
  return Math.max(1, groups);
}

function kanaMorae(ch: string): number {
  return MERGING_SMALL_KANA.has(ch) || NON_MORA_KANA.has(ch) ? 0 : 1;
}

// Numbers (with thousands separators / decimals), Latin words (apostrophes and combining marks
// included so "don't" and decomposed "café" stay one word), or any other single code point.
const TOKEN = /\d+(?:[.,]\d+)*|[\p{Script=Latin}\p{M}'’]+|[\s\S]/gu;

/**
 * Estimated syllables in `text`; for Japanese, morae. Hangul blocks count one each, kana by
 * mora (small ゃゅょ etc. merge with the previous kana; っ, ー and ん count), kanji
 * KANJI_MORAE each in Japanese and one each (hanja) otherwise, digits as the number would be
 * read in `lang`. When `reading` is given (e.g. a kana reading of a Japanese transcript from a
 * morphological analyser) it is counted instead of `text`. Rounded to a whole number.
 */
export function estimateSyllables(text: string, lang: Language, reading?: string): number {
  // NFKC: full-width digits and Latin become ASCII, half-width katakana full-width, and
  // decomposed Hangul / kana + dakuten recompose, so each is counted by one rule.
  const source = (reading !== undefined && reading.trim() !== '' ? reading : text).normalize('NFKC');
  let total = 0;
  for (const [token] of source.matchAll(TOKEN)) {
    const cp = token.codePointAt(0) ?? 0;
    if (cp >= 0x30 && cp <= 0x39) {
      total += numberSyllables(token, lang);
    } else if (/\p{Script=Latin}/u.test(token)) {
      total += englishWordSyllables(token) * LOANWORD_FACTOR[lang];
    } else if (isHangulSyllable(cp)) {
      total += 1;
    } else if (isKana(cp)) {
      total += kanaMorae(token);
    } else if (isIdeograph(cp)) {
      total += lang === 'ja' ? KANJI_MORAE : 1;
    } else if (isHangul(cp)) {
      // Lone jamo (NFKC maps compatibility jamo here): an initial consonant is read as a
      // syllable (ㅋㅋ is 크크); lone vowels and finals are mostly emoticons (ㅠㅠ).
      total += cp >= 0x1100 && cp <= 0x115f ? 1 : 0;
    }
  }
  return Math.round(total);
}

/**
 * Generous bounds on syllables (Japanese: morae) per second of speech, for rejecting a
 * transcript that cannot belong to its recording rather than for judging delivery.
 *
 * Typical read speech runs at roughly 5-6 syllables/s in English and about 7-8 morae/s in
 * Japanese (e.g. Pellegrino, Coupé & Marsico 2011, "A cross-language perspective on speech
 * information rate", Language 87(3)); Korean read speech sits between them, as its syllables
 * are simpler than English ones. Fast conversational speech reaches about 1.5x those rates,
 * while slow, deliberate reading with pauses inside the measured speech can fall to a third.
 * Our estimates add ~15 % error on top, hence:
 */
const RATE_BOUNDS: Record<Language, { min: number; max: number }> = {
  en: { min: 1.5, max: 8 },
  ko: { min: 2, max: 11 },
  ja: { min: 3, max: 13 },
};

export function speakingRateBounds(lang: Language): { min: number; max: number } {
  return { ...RATE_BOUNDS[lang] };
}

export type PlausibilityResult = { ok: true; rate: number } | { ok: false; rate: number; reason: string };

/**
 * Does a transcript plausibly match `speechSeconds` of (silence-trimmed) speech? On failure the
 * reason is a short sentence fit to show the user, e.g. "the transcript has 12 syllables for
 * 45.0 s of speech; expected 68–360". `rate` is syllables (morae) per second, 0 when undefined.
 */
export function checkTranscriptPlausibility(
  transcript: string,
  lang: Language,
  speechSeconds: number,
  reading?: string,
): PlausibilityResult {
  if (!Number.isFinite(speechSeconds) || speechSeconds <= 0) {
    return { ok: false, rate: 0, reason: 'the recording contains no detectable speech' };
  }
  const syllables = estimateSyllables(transcript, lang, reading);
  if (syllables === 0) {
    return { ok: false, rate: 0, reason: 'the transcript contains no pronounceable text' };
  }
  const rate = syllables / speechSeconds;
  const { min, max } = RATE_BOUNDS[lang];
  if (rate >= min && rate <= max) return { ok: true, rate };
  const unit =
    lang === 'ja' ? (syllables === 1 ? 'mora' : 'morae') : syllables === 1 ? 'syllable' : 'syllables';
  const low = Math.ceil(min * speechSeconds);
  const high = Math.floor(max * speechSeconds);
  return {
    ok: false,
    rate,
    reason: `the transcript has ${syllables} ${unit} for ${speechSeconds.toFixed(1)} s of speech; expected ${low}–${high}`,
  };
}
