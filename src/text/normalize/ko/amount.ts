import { hasLeadingZero, NUMBER, parseDecimal, shiftDecimal, type Decimal } from '../number-text.js';
import { koreanInteger, sinoDecimal } from './numbers.js';

// An amount as Koreans write it: digits, optionally followed by Hangul number words that scale
// them (3천만, 1억, 12만, 5천): read as one Sino-Korean number (삼천만, 일억, 십이만, 오천).

/** Digits with an optional Hangul scale; groups: 1 the number, 2 the scale. */
export const KO_AMOUNT = `(${NUMBER})([백천]?[만억조]|[백천])?`;

const SCALE_EXPONENT: Record<string, number> = { 백: 2, 천: 3, 만: 4, 억: 8, 조: 12 };

export interface KoreanAmount {
  /** The integer value when the amount is a small plain integer (native numerals may apply). */
  whole: number | null;
  /** Sino-Korean reading. */
  sino: string;
}

function scaleExponent(scale: string): number {
  return [...scale].reduce((sum, ch) => sum + (SCALE_EXPONENT[ch] ?? 0), 0);
}

/** Reading of a decimal × 10^exponent; a fraction left after scaling is read with 점. */
export function scaledKorean(value: Decimal, exponent: number): string {
  return sinoDecimal(exponent === 0 ? value : shiftDecimal(value, exponent));
}

export function koreanAmount(raw: string, scale: string | undefined): KoreanAmount {
  const value = parseDecimal(raw);
  if (scale !== undefined && scale !== '') {
    return { whole: null, sino: scaledKorean(value, scaleExponent(scale)) };
  }
  const plain = value.frac === '' && !hasLeadingZero(value.int) && value.int.length <= 15;
  return {
    whole: plain ? Number(value.int) : null,
    sino: value.frac === '' ? koreanInteger(value.int) : sinoDecimal(value),
  };
}
