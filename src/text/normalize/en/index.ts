import { hasLeadingZero, NUMBER, NUMBER_START, parseDecimal, toInt } from '../number-text.js';
import { after, before, regexRule } from '../rule.js';
import type { Rule, RuleSet } from '../types.js';
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

/**
 * Whether a four-digit number (1100–2099, no comma) reads as a year. It does, unless it counts
 * something: after "about", "over", "than" … (over 1500 people) or before a noun that is counted
 * (2026 items); "the 2024 elections" stays a year.
 */
const COUNT_BEFORE =
  /\b(?:about|approximately|around|roughly|over|under|nearly|almost|than|only|just|exactly|some|total|least)\s+$/i;
const COUNTED_NOUN =
  /^\s+(?:people|persons|men|women|children|students|employees|workers|users|customers|visitors|members|patients|items|units|pieces|copies|words|pages|times|steps|points|votes|seats|cases|deaths|miles|meters|metres|feet|yards|dollars|euros|pounds|calories|rows|lines|files|records|books|cars|trees)\b/i;

function readsAsYear(digits: string, beforeText: string, afterText: string): boolean {
  const n = Number(digits);
  if (digits.length !== 4 || n < 1100 || n > 2099) return false;
  return !COUNT_BEFORE.test(beforeText) && !COUNTED_NOUN.test(afterText);
}

const rangeRule = regexRule(
  'en-range',
  new RegExp(String.raw`${START}(${NUMBER})\s?[-–]\s?(${NUMBER})(?:\s?(${EN_UNIT_PATTERN}))?(?![\d/-])`),
  (m, text) => {
    const [low, high, unit] = [m[1] ?? '', m[2] ?? '', m[3]];
    const bothYears = readsAsYear(low, before(m, text), '') && readsAsYear(high, '', after(m, text));
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
    if (!raw.includes(',') && !raw.includes('.') && readsAsYear(raw, before(m, text), after(m, text))) {
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
const RULES: readonly Rule[] = [
  ...EN_WEB_RULES,
  ...EN_DATE_TIME_RULES,
  enCurrencyRule,
  enUnitRule,
  ...EN_NUMBER_RULES,
  barePointRule,
  ...EN_ABBREVIATION_RULES,
  ...EN_SYMBOL_RULES,
];

export const EN_RULES: RuleSet = { rules: RULES };
