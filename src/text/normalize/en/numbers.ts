import { hasLeadingZero, stripZeros, type Decimal } from '../number-text.js';

// English number words (American usage: no "and" inside numbers, hyphenated tens).

const ONES = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SCALES = ['', 'thousand', 'million', 'billion', 'trillion', 'quadrillion'];

function below100(n: number): string {
  if (n < 20) return ONES[n] ?? '';
  const ones = n % 10;
  return (TENS[Math.floor(n / 10)] ?? '') + (ones === 0 ? '' : `-${ONES[ones] ?? ''}`);
}

function below1000(n: number): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const words = hundreds === 0 ? [] : [`${ONES[hundreds] ?? ''} hundred`];
  if (rest > 0 || hundreds === 0) words.push(below100(rest));
  return words.join(' ');
}

/** 1234 → one thousand two hundred thirty-four. */
export function englishCardinal(digits: string): string {
  const n = stripZeros(digits);
  if (n.length > 3 * SCALES.length) return englishDigits(n);
  const words: string[] = [];
  for (let end = n.length, g = 0; end > 0; end -= 3, g++) {
    const value = Number(n.slice(Math.max(0, end - 3), end));
    if (value === 0 && n.length > 1) continue;
    words.unshift(g === 0 ? below1000(value) : `${below1000(value)} ${SCALES[g] ?? ''}`);
  }
  return words.join(' ');
}

/** Digit by digit: 555 → five five five. */
export function englishDigits(digits: string): string {
  return [...digits].map((d) => ONES[Number(d)] ?? d).join(' ');
}

/** Whole numbers; a leading zero means a code read digit by digit (007 → zero zero seven). */
export function englishInteger(digits: string): string {
  return hasLeadingZero(digits) ? englishDigits(digits) : englishCardinal(digits);
}

/** 3.14 → three point one four. */
export function englishDecimal(value: Decimal): string {
  const whole = englishInteger(value.int);
  return value.frac === '' ? whole : `${whole} point ${englishDigits(value.frac)}`;
}

const IRREGULAR_ORDINALS: Record<string, string> = {
  one: 'first',
  two: 'second',
  three: 'third',
  five: 'fifth',
  eight: 'eighth',
  nine: 'ninth',
  twelve: 'twelfth',
};

/** The ordinal of number words: twenty-one → twenty-first, one hundred → one hundredth. */
export function ordinalOf(words: string): string {
  const m = /^(.*?)([a-z]+)$/.exec(words);
  if (m === null) return words;
  const [, head = '', last = ''] = m;
  const irregular = IRREGULAR_ORDINALS[last];
  if (irregular !== undefined) return head + irregular;
  return head + (last.endsWith('y') ? `${last.slice(0, -1)}ieth` : `${last}th`);
}

export function englishOrdinal(digits: string): string {
  return ordinalOf(englishCardinal(digits));
}

/**
 * A year as said: 1999 nineteen ninety-nine, 1905 nineteen oh five, 1900 nineteen hundred,
 * 2000–2009 two thousand (five), 2026 twenty twenty-six. Other numbers: the cardinal.
 */
export function englishYear(digits: string): string {
  const n = Number(digits);
  if (digits.length !== 4 || hasLeadingZero(digits) || (n >= 2000 && n <= 2009) || (n >= 1000 && n <= 1009)) {
    return englishInteger(digits);
  }
  const high = Math.floor(n / 100);
  const low = n % 100;
  if (low === 0) return `${below100(high)} hundred`;
  return `${below100(high)} ${low < 10 ? `oh ${ONES[low] ?? ''}` : below100(low)}`;
}

/** The plural of number words, for decades: nineteen ninety → nineteen nineties. */
export function pluralOf(words: string): string {
  return words.endsWith('y') ? `${words.slice(0, -1)}ies` : words.endsWith('x') ? `${words}es` : `${words}s`;
}
