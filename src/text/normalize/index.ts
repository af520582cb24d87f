import { EN_RULES } from './en/index.js';
import { fold } from './fold.js';
import { JA_RULES } from './ja/index.js';
import { KO_RULES } from './ko/index.js';
import { findLexiconHits } from './lexicon.js';
import { scan, type ScannedToken } from './scan.js';
import type { NormalizeLanguage, NormalizeOptions, NormalizeResult, RuleSet } from './types.js';

export type {
  LexiconAlias,
  NormalizedToken,
  NormalizeLanguage,
  NormalizeOptions,
  NormalizeResult,
} from './types.js';

const RULES: Record<NormalizeLanguage, RuleSet> = { ko: KO_RULES, ja: JA_RULES, en: EN_RULES };

const ALNUM_END = /[\p{L}\p{N}]$/u;
const ALNUM_START = /^[\p{L}\p{N}]/u;

/**
 * Words must stay apart in speech where the written text ran them together. English: wherever a
 * reading touches a letter or digit ("3D" is "three D", not "threeD"). Korean: between two
 * readings (2시간30분 → 두 시간 삼십 분); a reading before plain Hangul is left alone, since that
 * is a particle or ending (에이아이가). Japanese writes no spaces.
 */
function separateWords(lang: NormalizeLanguage, tokens: ScannedToken[]): void {
  if (lang === 'ja') return;
  for (let i = 0; i + 1 < tokens.length; i++) {
    const left = tokens[i];
    const right = tokens[i + 1];
    if (left === undefined || right === undefined || right.attaches) continue;
    const apart = lang === 'en' ? left.changed || right.changed : left.changed && right.changed;
    if (apart && ALNUM_END.test(left.spoken) && ALNUM_START.test(right.spoken)) left.spoken += ' ';
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
    const { start, end, alias } = hit;
    tokens.push({
      written: text.slice(start, end),
      spoken: alias,
      start,
      end,
      changed: true,
      attaches: false,
    });
    pos = hit.end;
  }
  tokens.push(...scan(text, folded, rules, pos, text.length));
  separateWords(lang, tokens);
  return {
    spoken: tokens.map((t) => t.spoken).join(''),
    tokens: tokens.map(({ written, spoken, start, end }) => ({ written, spoken, start, end })),
  };
}
