import { hasLeadingZero, stripZeros, type Decimal } from '../number-text.js';

// Korean numerals. Sino-Korean (일 이 삼 …) for amounts, dates and most units; native Korean
// (하나 둘 셋 …) before native counters, up to 99.

const SINO_DIGITS = ['영', '일', '이', '삼', '사', '오', '육', '칠', '팔', '구'];
const PLACES = ['', '십', '백', '천'];
const MYRIADS = ['', '만', '억', '조', '경'];
/** Phone numbers, codes and digit strings: zero is 공. */
const DIGIT_NAMES = ['공', '일', '이', '삼', '사', '오', '육', '칠', '팔', '구'];

function group(n: number): string {
  let out = '';
  for (let place = 3; place >= 0; place--) {
    const d = Math.floor(n / 10 ** place) % 10;
    if (d === 0) continue;
    // 1 before a place is silent: 십, 백, 천, not 일십.
    out += (d === 1 && place > 0 ? '' : (SINO_DIGITS[d] ?? '')) + (PLACES[place] ?? '');
  }
  return out;
}

/**
 * Sino-Korean reading of digits: 2026 → 이천이십육, 12000 → 만 이천. Words are spaced by
 * myriads (만, 억, 조), the orthography's rule for numbers in Hangul; 10000 is 만, not 일만,
 * while 일억 and 일조 keep their 일.
 */
export function sinoKorean(digits: string): string {
  const n = stripZeros(digits);
  if (n === '0') return '영';
  if (n.length > 4 * MYRIADS.length) return koreanDigits(n);
  const words: string[] = [];
  for (let end = n.length, g = 0; end > 0; end -= 4, g++) {
    const value = Number(n.slice(Math.max(0, end - 4), end));
    if (value === 0) continue;
    words.unshift((value === 1 && g === 1 ? '' : group(value)) + MYRIADS[g]);
  }
  return words.join(' ');
}

/** Digit by digit with 공 for zero: 010 → 공일공. */
export function koreanDigits(digits: string): string {
  return [...digits].map((d) => DIGIT_NAMES[Number(d)] ?? d).join('');
}

/** A whole number: digit by digit when it starts with 0 (007 → 공공칠), else Sino-Korean. */
export function koreanInteger(digits: string): string {
  return hasLeadingZero(digits) ? koreanDigits(digits) : sinoKorean(digits);
}

/** 3.14 → 삼 점 일사; zeros after the point are 영 (0.05 → 영 점 영오). */
export function sinoDecimal(value: Decimal): string {
  const whole = koreanInteger(value.int);
  if (value.frac === '') return whole;
  return `${whole} 점 ${[...value.frac].map((d) => SINO_DIGITS[Number(d)] ?? d).join('')}`;
}

const NATIVE_TENS = ['', '열', '스물', '서른', '마흔', '쉰', '예순', '일흔', '여든', '아흔'];
/** Before a counter 1–4 shorten (한 두 세 네) and 20 is 스무. */
const NATIVE_ONES = ['', '한', '두', '세', '네', '다섯', '여섯', '일곱', '여덟', '아홉'];

/** Native Korean before a counter, 1–99: 3 → 세, 20 → 스무, 32 → 서른두. */
export function nativeKorean(n: number): string {
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  if (ones === 0) return tens === 2 ? '스무' : (NATIVE_TENS[tens] ?? '');
  return (NATIVE_TENS[tens] ?? '') + (NATIVE_ONES[ones] ?? '');
}

/** The fused readings of neighbouring numbers before a counter: 1~2개 한두 개, 3~4명 서너 명. */
const NATIVE_PAIRS: Record<number, string> = {
  1: '한두',
  2: '두세',
  3: '서너',
  4: '네다섯',
  5: '대여섯',
  6: '예닐곱',
  7: '일고여덟',
  8: '여덟아홉',
};

export function nativePair(low: number, high: number): string | undefined {
  return high === low + 1 ? NATIVE_PAIRS[low] : undefined;
}

/** Sino-Korean neighbours fuse too: 3~4일 삼사 일, 5~6년 오륙 년, 1~2% 일이 퍼센트. */
const SINO_PAIRS: Record<number, string> = {
  1: '일이',
  2: '이삼',
  3: '삼사',
  4: '사오',
  5: '오륙',
  6: '육칠',
  7: '칠팔',
  8: '팔구',
};

export function sinoPair(low: number, high: number): string | undefined {
  return high === low + 1 ? SINO_PAIRS[low] : undefined;
}
