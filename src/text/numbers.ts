import type { Language } from './languages.js';

// Syllable counts of numbers written with digits, as a speaker would read them. Only the count
// matters (for speaking-rate checks), so each language gets a small table instead of a speller.

// English: zero..nineteen and the tens, in syllables ("seven" 2, "eleven" 3, "seventy" 3).
const EN_ONES = [2, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 3, 1, 2, 2, 2, 2, 3, 2, 2];
const EN_TENS = [0, 0, 2, 2, 2, 2, 2, 3, 2, 2];
const EN_SCALE = 2; // hundred, thousand, million, billion

function enBelow100(n: number): number {
  if (n < 20) return EN_ONES[n] ?? 0;
  const ones = n % 10;
  return (EN_TENS[Math.floor(n / 10)] ?? 0) + (ones === 0 ? 0 : (EN_ONES[ones] ?? 0));
}

function enBelow1000(n: number): number {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  return (hundreds === 0 ? 0 : (EN_ONES[hundreds] ?? 0) + EN_SCALE) + (rest === 0 ? 0 : enBelow100(rest));
}

function enInteger(digits: string): number {
  // Read digit by digit: long strings (phone numbers, codes) and leading zeros ("007": oh oh seven).
  if (digits.length > 12 || (digits.length > 1 && digits.startsWith('0'))) {
    return [...digits].reduce((sum, d) => sum + (d === '0' ? 1 : (EN_ONES[Number(d)] ?? 1)), 0);
  }
  const n = Number(digits);
  if (n === 0) return EN_ONES[0] ?? 2;
  // Years are read in pairs: 1984 "nineteen eighty-four", 1900 "nineteen hundred", 1905 "nineteen oh five".
  if (digits.length === 4 && ((n >= 1100 && n <= 1999) || (n >= 2010 && n <= 2099))) {
    const low = n % 100;
    const lowCount = low === 0 ? EN_SCALE : low < 10 ? 1 + enBelow100(low) : enBelow100(low);
    return enBelow100(Math.floor(n / 100)) + lowCount;
  }
  let count = 0;
  let rest = n;
  for (let scale = 0; rest > 0; scale++, rest = Math.floor(rest / 1000)) {
    const group = rest % 1000;
    if (group !== 0) count += enBelow1000(group) + (scale > 0 ? EN_SCALE : 0);
  }
  return count;
}

/**
 * Korean and Japanese read digits with Sino-Korean / Sino-Japanese numerals: each digit is
 * followed by its place (10, 100, 1000) and every four digits by a myriad word (만/万, 억/億).
 * A 1 before a place is silent (십 / じゅう, not 일십 / いちじゅう).
 */
interface NumeralTable {
  digit: number[];
  place: number;
  myriad: number;
}
// Korean: 영 일 이 삼 사 오 육 칠 팔 구 are all one syllable, as are 십 백 천 and 만 억 조.
const KO_NUMERALS: NumeralTable = { digit: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], place: 1, myriad: 1 };
// Japanese morae: ゼロ いち に さん よん ご ろく なな はち きゅう; じゅう ひゃく せん; まん おく ちょう.
const JA_NUMERALS: NumeralTable = { digit: [2, 2, 1, 2, 2, 1, 2, 2, 2, 2], place: 2, myriad: 2 };

function sinoInteger(digits: string, table: NumeralTable): number {
  const trimmed = digits.replace(/^0+(?=\d)/, '');
  if (trimmed.length > 16 || trimmed !== digits) {
    return [...digits].reduce((sum, d) => sum + (table.digit[Number(d)] ?? 1), 0);
  }
  if (trimmed === '0') return table.digit[0] ?? 1;
  let count = 0;
  const reversed = [...trimmed].reverse().map(Number);
  for (let group = 0; group * 4 < reversed.length; group++) {
    let groupCount = 0;
    for (let place = 0; place < 4; place++) {
      const d = reversed[group * 4 + place] ?? 0;
      if (d === 0) continue;
      groupCount += place === 0 ? (table.digit[d] ?? 1) : (d === 1 ? 0 : (table.digit[d] ?? 1)) + table.place;
    }
    if (groupCount > 0 && group > 0) groupCount += table.myriad;
    count += groupCount;
  }
  return count;
}

function integerSyllables(digits: string, lang: Language): number {
  if (lang === 'ko') return sinoInteger(digits, KO_NUMERALS);
  if (lang === 'ja') return sinoInteger(digits, JA_NUMERALS);
  return enInteger(digits);
}

/** "point" / 점 / てん, then the fraction read digit by digit. */
const DECIMAL_POINT: Record<Language, number> = { en: 1, ko: 1, ja: 2 };

/**
 * Syllables (morae for Japanese) in a number token such as "42", "1,000,000" or "3.14".
 * Other separators ("1,2", "10.0.1") are read as a sequence of separate numbers.
 */
export function numberSyllables(token: string, lang: Language): number {
  const digitsOnly = /^\d{1,3}(?:,\d{3})+$/.test(token) ? token.replace(/,/g, '') : token;
  const decimal = /^(\d+)\.(\d+)$/.exec(digitsOnly);
  if (decimal) {
    const fraction = [...(decimal[2] ?? '')].reduce((sum, d) => sum + integerSyllables(d, lang), 0);
    return integerSyllables(decimal[1] ?? '0', lang) + DECIMAL_POINT[lang] + fraction;
  }
  return digitsOnly
    .split(/[.,]/)
    .filter((part) => part !== '')
    .reduce((sum, part) => sum + integerSyllables(part, lang), 0);
}
