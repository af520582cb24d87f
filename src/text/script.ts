import type { Language } from './languages.js';

// Character classes shared by sentence splitting, syllable counting and caption layout.
// Code points, not UTF-16 units: callers iterate with for..of so astral characters stay whole.

/** Precomposed Hangul syllable blocks (가..힣): exactly one spoken syllable each. */
export function isHangulSyllable(cp: number): boolean {
  return cp >= 0xac00 && cp <= 0xd7a3;
}

/** Any Hangul: syllables, conjoining jamo, compatibility jamo (ㅋㅋ), half-width jamo. */
export function isHangul(cp: number): boolean {
  return (
    isHangulSyllable(cp) ||
    (cp >= 0x1100 && cp <= 0x11ff) ||
    (cp >= 0x3130 && cp <= 0x318f) ||
    (cp >= 0xa960 && cp <= 0xa97f) ||
    (cp >= 0xd7b0 && cp <= 0xd7ff) ||
    (cp >= 0xffa0 && cp <= 0xffdc)
  );
}

/** Hiragana, katakana (incl. ー and phonetic extensions) and half-width katakana. */
export function isKana(cp: number): boolean {
  return (
    (cp >= 0x3041 && cp <= 0x309f) ||
    (cp >= 0x30a0 && cp <= 0x30ff) ||
    (cp >= 0x31f0 && cp <= 0x31ff) ||
    (cp >= 0xff66 && cp <= 0xff9f)
  );
}

/** CJK ideographs (kanji / hanja / hanzi), plus 々 (repeats the previous kanji) and 〇 (zero). */
export function isIdeograph(cp: number): boolean {
  return (
    cp === 0x3005 ||
    cp === 0x3007 ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x20000 && cp <= 0x3134f)
  );
}

/**
 * Characters that take two columns in a subtitle line (East Asian Wide/Fullwidth, roughly).
 * Used only to decide where to wrap, so an approximate table is enough.
 */
export function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa960 && cp <= 0xa97f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/**
 * A best guess for text whose language the caller did not pass along. Kana only occurs in
 * Japanese and Hangul only in Korean; ideographs without either are far more likely Japanese
 * than all-hanja Korean. Everything else is treated as English.
 */
export function guessLanguage(text: string): Language {
  let ideographs = false;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (isKana(cp)) return 'ja';
    if (isHangul(cp)) return 'ko';
    if (isIdeograph(cp)) ideographs = true;
  }
  return ideographs ? 'ja' : 'en';
}
