import { hasLeadingZero, NUMBER, NUMBER_START, parseDecimal, toInt } from '../number-text.js';
import { after, regexRule } from '../rule.js';
import type { Rule } from '../types.js';
import { EN_ABBREVIATION_RULES, EN_SYMBOL_RULES } from './abbrev.js';
import { EN_DATE_TIME_RULES } from './datetime.js';
import { enCurrencyRule, EN_UNIT_PATTERN, enUnitRule, unitName } from './money.js';
import {
  englishCardinal,
  englishDecimal,
  englishDigits,
  englishOrdinal,
  englishYear,
  ordinalOf,
  pluralOf,
} from './numbers.js';
import { EN_WEB_RULES } from './web.js';

const START = String.raw`${NUMBER_START}(?<![A-Za-z_.])`;

/** 1/2 one half, 3/4 three quarters, 2/3 two thirds. */
function fraction(numerator: string, denominator: string): string {
  const n = toInt(numerator);
  const d = toInt(denominator);
  const one = n === 1;
  let name: string;
  if (d === 2) name = one ? 'half' : 'halves';
  else if (d === 4) name = one ? 'quarter' : 'quarters';
  else
    name = one ? ordinalOf(englishCardinal(denominator)) : pluralOf(ordinalOf(englishCardinal(denominator)));
  return `${englishCardinal(numerator)} ${name}`;
}

/** Whether a four-digit number reads as a year: not when it counts a plural noun (2026 items). */
const NOT_PLURAL = new Set([
  'is',
  'was',
  'has',
  'as',
  'his',
  'this',
  'its',
  'us',
  'does',
  'yes',
  'thus',
  'plus',
]);
const COUNT_NOUNS = /^(?:people|men|women|children|feet|teeth|mice|staff|sheep|fish|deer)\b/;

function readsAsYear(digits: string, rest: string): boolean {
  const n = Number(digits);
  if (digits.length !== 4 || n < 1100 || n > 2099) return false;
  const next = /^\s+([a-z]+)/.exec(rest)?.[1];
  if (next === undefined) return true;
  if (COUNT_NOUNS.test(next)) return false;
  return !(next.endsWith('s') && !NOT_PLURAL.has(next));
}

const rangeRule = regexRule(
  'en-range',
  new RegExp(String.raw`${START}(${NUMBER})\s?[-–]\s?(${NUMBER})(?:\s?(${EN_UNIT_PATTERN}))?(?![\d/-])`),
  (m, text) => {
    const [low, high, unit] = [m[1] ?? '', m[2] ?? '', m[3]];
    const bothYears = readsAsYear(low, '') && readsAsYear(high, after(m, text));
    const say = (raw: string) => (bothYears ? englishYear(raw) : englishDecimal(parseDecimal(raw)));
    const range = `${say(low)} to ${say(high)}`;
    return unit === undefined ? range : `${range} ${unitName(unit, parseDecimal(high))}`;
  },
);

const EN_NUMBER_RULES: readonly Rule[] = [
  // 1st, 22nd, 103rd, 1,000th.
  regexRule('en-ordinal', new RegExp(String.raw`${START}(\d{1,3}(?:,\d{3})+|\d+)(st|nd|rd|th)\b`), (m) =>
    englishOrdinal((m[1] ?? '').replace(/,/g, '')),
  ),
  // 1990s nineteen nineties, '90s nineties, 80s eighties.
  regexRule('en-decade', /(?<![\w.])(?:'|’)?(\d{3}|\d)0s\b/, (m) => {
    const digits = `${m[1] ?? ''}0`;
    return pluralOf(digits.length === 4 ? englishYear(digits) : englishCardinal(digits));
  }),
  // 1 1/2 one and a half.
  regexRule('en-mixed-fraction', new RegExp(String.raw`${START}(\d+)\s(1)\/(2|3|4)(?![\d/])`), (m) => {
    return `${englishCardinal(m[1] ?? '')} and a ${fraction('1', m[3] ?? '').replace(/^one /, '')}`;
  }),
  regexRule('en-fraction', new RegExp(String.raw`${START}(\d+)\/(\d+)(?![\d/])`), (m) =>
    fraction(m[1] ?? '', m[2] ?? ''),
  ),
  rangeRule,
  regexRule('en-negative', new RegExp(String.raw`(?<![\w.,)])-(${NUMBER})`), (m) => {
    return `minus ${englishDecimal(parseDecimal(m[1] ?? ''))}`;
  }),
  regexRule('en-number', new RegExp(String.raw`${START}(${NUMBER})`), (m, text) => {
    const raw = m[1] ?? '';
    if (!raw.includes(',') && !raw.includes('.') && readsAsYear(raw, after(m, text))) {
      return hasLeadingZero(raw) ? null : englishYear(raw);
    }
    return englishDecimal(parseDecimal(raw));
  }),
];

// Decimals without a leading zero: .5 → point five.
const barePointRule = regexRule(
  'en-bare-point',
  /(?<![\w.$])\.(\d+)\b/,
  (m) => `point ${englishDigits(m[1] ?? '')}`,
);

/** English rules, most specific first: the first one matching at a position wins. */
export const EN_RULES: readonly Rule[] = [
  ...EN_WEB_RULES,
  ...EN_DATE_TIME_RULES,
  enCurrencyRule,
  enUnitRule,
  ...EN_NUMBER_RULES,
  barePointRule,
  ...EN_ABBREVIATION_RULES,
  ...EN_SYMBOL_RULES,
];
