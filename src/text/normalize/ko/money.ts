import { NUMBER, NUMBER_START, parseDecimal } from '../number-text.js';
import { regexRule } from '../rule.js';
import type { Rule } from '../types.js';
import { scaledKorean } from './amount.js';
import { KO_UNIT_PATTERN, KO_UNITS } from './counters.js';
import { sinoDecimal, sinoKorean } from './numbers.js';

// Money with a currency sign, numbers with unit symbols, and the symbols on their own.

const CURRENCY: Record<string, { word: string; cents?: string }> = {
  '₩': { word: '원' },
  $: { word: '달러', cents: '센트' },
  '€': { word: '유로', cents: '센트' },
  '£': { word: '파운드', cents: '펜스' },
  '¥': { word: '엔' },
};

/** K, M, B after an amount ($1.2M) and Hangul scales (₩3천만). */
const MULTIPLIER: Record<string, number> = { K: 3, M: 6, B: 9, 백: 2, 천: 3, 만: 4, 억: 8, 조: 12 };

function scaleOf(suffix: string): number {
  return [...suffix].reduce((sum, ch) => sum + (MULTIPLIER[ch] ?? 0), 0);
}

function money(sign: string, raw: string, suffix: string): string {
  const currency = CURRENCY[sign] ?? { word: sign };
  const value = parseDecimal(raw);
  if (suffix !== '') return `${scaledKorean(value, scaleOf(suffix))} ${currency.word}`;
  // $5.50: dollars and cents, as the amount is said, not 오 점 오영 달러.
  if (currency.cents !== undefined && value.frac.length === 2) {
    const cents = Number(value.frac);
    const whole = `${sinoKorean(value.int)} ${currency.word}`;
    if (cents === 0) return whole;
    const centWords = `${sinoKorean(String(cents))} ${currency.cents}`;
    return value.int === '0' ? centWords : `${whole} ${centWords}`;
  }
  return `${sinoDecimal(value)} ${currency.word}`;
}

const TEMPERATURE = new Set(['℃', '°C', '°']);

export const koCurrencyRule = regexRule(
  'ko-currency',
  new RegExp(`(?<![\\d.])([₩$€£¥])\\s?(${NUMBER})([KMB](?![A-Za-z])|[백천]?[만억조]|[백천])?`),
  (m) => money(m[1] ?? '', m[2] ?? '', m[3] ?? ''),
);

/** 5km, 3.5kg, 30%, -5℃ (영하 오 도). */
export const koUnitRule = regexRule(
  'ko-unit',
  new RegExp(`${NUMBER_START}(-)?(${NUMBER})\\s?(${KO_UNIT_PATTERN})`),
  (m) => {
    const unit = m[3] ?? '';
    const sign = m[1] === undefined ? '' : TEMPERATURE.has(unit) ? '영하 ' : '마이너스 ';
    // 80km/h is said 시속 팔십 킬로미터.
    const speed = unit === 'km/h' ? '시속 ' : '';
    return `${speed}${sign}${sinoDecimal(parseDecimal(m[2] ?? ''))} ${KO_UNITS[unit] ?? unit}`;
  },
);

/** Symbols not attached to a number. */
export const KO_SYMBOL_RULES: readonly Rule[] = [
  regexRule('ko-ampersand', /&/, () => '앤드'),
  regexRule('ko-percent', /%/, () => '퍼센트'),
  regexRule('ko-celsius', /℃/, () => '도'),
  regexRule('ko-square-metre', /㎡/, () => '제곱미터'),
  // A range sign between numbers that no range rule took whole (12/1~12/5): "에서".
  regexRule('ko-range-sign', /(?<=[\d\p{Script=Hangul}%℃)])\s*[~–]\s*(?=-?\d|[₩$€£¥])/u, () => '에서 ', {
    attaches: true,
  }),
];
