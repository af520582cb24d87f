import { alternation, regexRule } from './rule.js';
import type { Rule } from './types.js';

/** How a language says Latin abbreviations: letter names, whole-word readings, and "&" inside one. */
export interface LatinReadings {
  letters: Record<string, string>;
  words: Record<string, string>;
  ampersand: string;
}

/** Capitals read letter by letter: KTX → 케이티엑스; R&D with the language's "and". */
export function spellLetters(caps: string, readings: LatinReadings): string {
  return [...caps].map((ch) => (ch === '&' ? readings.ampersand : (readings.letters[ch] ?? ch))).join('');
}

/**
 * Two rules for Latin abbreviations inside Korean or Japanese text: the known words (tried
 * before numbers, since 3D and MP3 hold digits), and unknown capitals letter by letter (tried
 * after them). Mixed-case words (iPhone) are left for the engine.
 */
export function latinRules(lang: string, readings: LatinReadings): { words: Rule; caps: Rule } {
  const { words } = readings;
  return {
    words: regexRule(
      `${lang}-latin-word`,
      new RegExp(`(?<![A-Za-z0-9])(?:${alternation(Object.keys(words))})(?![A-Za-z0-9])`),
      (m) => words[m[0]] ?? null,
    ),
    caps: regexRule(`${lang}-latin-caps`, /(?<![A-Za-z])[A-Z]+(?:&[A-Z]+)*(?![a-z])/, (m) =>
      spellLetters(m[0], readings),
    ),
  };
}
