import { hasLeadingZero, stripZeros, type Decimal } from '../number-text.js';

// Japanese numerals in hiragana, with the sound changes inside numbers (さんびゃく, ろっぴゃく,
// はっぴゃく, さんぜん, はっせん, いっせんまん, いっちょう). Counters change the end of a number
// further (see counters.ts), so readings are plain strings whose ending tells the last element.

const DIGITS = ['ゼロ', 'いち', 'に', 'さん', 'よん', 'ご', 'ろく', 'なな', 'はち', 'きゅう'];
const TENS = [
  '',
  'じゅう',
  'にじゅう',
  'さんじゅう',
  'よんじゅう',
  'ごじゅう',
  'ろくじゅう',
  'ななじゅう',
  'はちじゅう',
  'きゅうじゅう',
];
const HUNDREDS = [
  '',
  'ひゃく',
  'にひゃく',
  'さんびゃく',
  'よんひゃく',
  'ごひゃく',
  'ろっぴゃく',
  'ななひゃく',
  'はっぴゃく',
  'きゅうひゃく',
];
const THOUSANDS = [
  '',
  'せん',
  'にせん',
  'さんぜん',
  'よんせん',
  'ごせん',
  'ろくせん',
  'ななせん',
  'はっせん',
  'きゅうせん',
];
const MYRIADS = ['', 'まん', 'おく', 'ちょう', 'けい'];

function group(n: number, beforeMyriad: boolean): string {
  const [th, h, t, o] = [Math.floor(n / 1000), Math.floor(n / 100) % 10, Math.floor(n / 10) % 10, n % 10];
  // 1000万 is いっせんまん, but 1500万 せんごひゃくまん.
  const thousands = th === 1 && beforeMyriad && n === 1000 ? 'いっせん' : (THOUSANDS[th] ?? '');
  return thousands + (HUNDREDS[h] ?? '') + (TENS[t] ?? '') + (o === 0 ? '' : (DIGITS[o] ?? ''));
}

/** 兆 and 京 start with a voiceless sound: 1兆 いっちょう, 8兆 はっちょう, 10兆 じゅっちょう. */
function beforeMyriad(reading: string, myriad: string): string {
  if (myriad !== 'ちょう' && myriad !== 'けい') return reading + myriad;
  return geminate(reading, 'light') + myriad;
}

/** Cardinal reading of digits: 123 → ひゃくにじゅうさん, 3000 → さんぜん, 10000 → いちまん. */
export function japaneseCardinal(digits: string): string {
  const n = stripZeros(digits);
  if (n === '0') return DIGITS[0] ?? '';
  if (n.length > 4 * MYRIADS.length) return japaneseDigits(n);
  let out = '';
  for (let start = 0, g = Math.ceil(n.length / 4) - 1; g >= 0; g--) {
    const end = n.length - 4 * g;
    const value = Number(n.slice(start, end));
    start = end;
    if (value === 0) continue;
    out += g === 0 ? group(value, false) : beforeMyriad(group(value, true), MYRIADS[g] ?? '');
  }
  return out;
}

/** Digit by digit (phone numbers, codes, digits after the point): 090 → ゼロきゅうゼロ. */
export function japaneseDigits(digits: string): string {
  return [...digits].map((d) => DIGITS[Number(d)] ?? d).join('');
}

/** A whole number: digit by digit when it starts with 0, else the cardinal. */
export function japaneseInteger(digits: string): string {
  return hasLeadingZero(digits) ? japaneseDigits(digits) : japaneseCardinal(digits);
}

/**
 * Which endings double their last sound (っ) before a voiceless consonant. 'heavy' (k and h
 * counters: 個, 回, 本) takes 1, 6, 8, 10, 100; 'light' (s and t: 冊, 歳, 点, 兆) 1, 8, 10.
 */
const GEMINATION: Record<'heavy' | 'light', [string, string][]> = {
  heavy: [
    ['いち', 'いっ'],
    ['ろく', 'ろっ'],
    ['はち', 'はっ'],
    ['じゅう', 'じゅっ'],
    ['ゃく', 'ゃっ'],
  ],
  light: [
    ['いち', 'いっ'],
    ['はち', 'はっ'],
    ['じゅう', 'じゅっ'],
  ],
};

/** The reading with its last sound doubled, or unchanged when its ending does not double. */
export function geminate(reading: string, kind: 'heavy' | 'light'): string {
  for (const [from, to] of GEMINATION[kind]) {
    if (reading.endsWith(from)) return reading.slice(0, -from.length) + to;
  }
  return reading;
}

/** 3.14 → さんてんいちよん, 1.5 → いってんご, 0.5 → れいてんご. */
export function japaneseDecimal(value: Decimal): string {
  if (value.frac === '') return japaneseInteger(value.int);
  const whole = value.int === '0' ? 'れい' : geminate(japaneseInteger(value.int), 'light');
  return `${whole}てん${japaneseDigits(value.frac)}`;
}
