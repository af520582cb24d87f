import { NUMBER, NUMBER_START, parseDecimal, shiftDecimal } from '../number-text.js';
import { regexRule } from '../rule.js';
import type { Rule } from '../types.js';
import { counted, JA_COUNTERS, type JaCounter } from './counters.js';
import { JA_UNITS, JA_UNIT_PATTERN, unit } from './units.js';
import { japaneseCardinal, japaneseDecimal } from './numbers.js';

// Money with a currency sign, numbers with unit symbols, and the symbols on their own.

const CURRENCY: Record<string, { counter: JaCounter; cents?: JaCounter }> = {
  '¥': { counter: JA_COUNTERS['円'] ?? unit('えん') },
  $: { counter: unit('ドル'), cents: unit('セント', true) },
  '€': { counter: unit('ユーロ'), cents: unit('セント', true) },
  '£': { counter: unit('ポンド', true), cents: unit('ペンス', true) },
  '₩': { counter: unit('ウォン') },
};

const MULTIPLIER: Record<string, number> = { K: 3, M: 6, B: 9, 千: 3, 万: 4, 億: 8, 兆: 12 };

function amountWith(raw: string, exponent: number, spec: JaCounter): string {
  const value = shiftDecimal(parseDecimal(raw), exponent);
  if (value.frac !== '') return japaneseDecimal(value) + spec.kana;
  return counted(japaneseCardinal(value.int), Number(value.int), spec);
}

function money(sign: string, raw: string, suffix: string): string {
  const currency = CURRENCY[sign] ?? { counter: unit(sign) };
  const exponent = [...suffix].reduce((sum, ch) => sum + (MULTIPLIER[ch] ?? 0), 0);
  const frac = parseDecimal(raw).frac;
  // $5.50: ごドルごじゅっセント, dollars and cents as the amount is said.
  if (suffix === '' && currency.cents !== undefined && frac.length === 2) {
    const { int } = parseDecimal(raw);
    const cents = Number(frac);
    const whole = int === '0' && cents > 0 ? '' : amountWith(int, 0, currency.counter);
    return whole + (cents === 0 ? '' : amountWith(String(cents), 0, currency.cents));
  }
  return amountWith(raw, exponent, currency.counter);
}

export const jaCurrencyRule: Rule = regexRule(
  'ja-currency',
  new RegExp(`(?<![\\d.])([¥$€£₩])\\s?(${NUMBER})([KMB](?![A-Za-z])|[千]?[万億兆]|千)?`),
  (m) => money(m[1] ?? '', m[2] ?? '', m[3] ?? ''),
);

/** 50% ごじゅっパーセント, 25℃ にじゅうごど, -5℃ マイナスごど, 60km/h じそくろくじゅっキロメートル. */
export const jaUnitRule: Rule = regexRule(
  'ja-unit',
  new RegExp(`${NUMBER_START}(-)?(${NUMBER})\\s?(${JA_UNIT_PATTERN})(/h)?`),
  (m) => {
    const spec = JA_UNITS[m[3] ?? ''];
    if (spec === undefined) return null;
    const said = amountWith(m[2] ?? '', 0, spec);
    return (m[4] === undefined ? '' : 'じそく') + (m[1] === undefined ? '' : 'マイナス') + said;
  },
);

export const JA_SYMBOL_RULES: readonly Rule[] = [
  regexRule('ja-ampersand', /&/, () => 'アンド'),
  regexRule('ja-percent', /%/, () => 'パーセント'),
  regexRule('ja-celsius', /℃/, () => 'ど'),
  // A range sign between numbers that no range rule took whole: から.
  regexRule(
    'ja-range-sign',
    /(?<=[\d\p{Script=Han}\p{Script=Hiragana}%℃)])\s*[~–]\s*(?=-?\d)/u,
    () => 'から',
  ),
];
