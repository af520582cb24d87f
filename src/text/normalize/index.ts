import { EN_RULES } from './en/index.js';
import { fold } from './fold.js';
import { JA_RULES } from './ja/index.js';
import { KO_RULES } from './ko/index.js';
import { findLexiconHits } from './lexicon.js';
import { scan, type ScannedToken } from './scan.js';
import type { NormalizeLanguage, NormalizeOptions, NormalizeResult, Rule } from './types.js';

export type {
  LexiconAlias,
  NormalizedToken,
  NormalizeLanguage,
  NormalizeOptions,
  NormalizeResult,
} from './types.js';

const RULES: Record<NormalizeLanguage, readonly Rule[]> = { ko: KO_RULES, ja: JA_RULES, en: EN_RULES };

const ALNUM_END = /[\p{L}\p{N}]$/u;
const ALNUM_START = /^[\p{L}\p{N}]/u;

/**
 * English words must stay apart in speech: "3D" is "three D", not "threeD". Where a changed
 * token touches a letter or digit of its neighbour, a space goes between their spoken forms.
 */
function separateWords(tokens: ScannedToken[]): void {
  for (let i = 0; i + 1 < tokens.length; i++) {
    const left = tokens[i];
    const right = tokens[i + 1];
    if (left === undefined || right === undefined || !(left.changed || right.changed)) continue;
    if (ALNUM_END.test(left.spoken) && ALNUM_START.test(right.spoken)) left.spoken += ' ';
  }
}

/**
 * The text as a native speaker of `lang` would read it aloud: numbers, dates, times, money,
 * units, abbreviations and symbols spelled out in words (Hangul for ko, kana for ja). Lexicon
 * entries apply first and win over the rules. Pure: no I/O, same input, same output.
 */
export function normalize(
  lang: NormalizeLanguage,
  text: string,
  options: NormalizeOptions = {},
): NormalizeResult {
  const rules = RULES[lang];
  if (rules === undefined) throw new RangeError(`no text normalizer for language ${String(lang)}`);
  const folded = fold(text);
  const tokens: ScannedToken[] = [];
  let pos = 0;
  for (const hit of findLexiconHits(text, options.lexicon ?? [])) {
    tokens.push(...scan(text, folded, rules, pos, hit.start));
    tokens.push({
      written: text.slice(hit.start, hit.end),
      spoken: hit.alias,
      start: hit.start,
      end: hit.end,
      changed: true,
    });
    pos = hit.end;
  }
  tokens.push(...scan(text, folded, rules, pos, text.length));
  if (lang === 'en') separateWords(tokens);
  return {
    spoken: tokens.map((t) => t.spoken).join(''),
    tokens: tokens.map(({ written, spoken, start, end }) => ({ written, spoken, start, end })),
  };
}
