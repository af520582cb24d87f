import { counted, type JaCounter } from './counters.js';

// Days have their own words up to 10 and for 14, 20 and 24 (ふつか, はつか, じゅうよっか), both
// for dates and for counts of days. Only 1 differs: ついたち for the first of a month, いちにち
// for one day.

const DAY_WORDS: Record<number, string> = {
  2: 'ふつか',
  3: 'みっか',
  4: 'よっか',
  5: 'いつか',
  6: 'むいか',
  7: 'なのか',
  8: 'ようか',
  9: 'ここのか',
  10: 'とおか',
  14: 'じゅうよっか',
  20: 'はつか',
  24: 'にじゅうよっか',
};

/** 日 after other numbers: じゅういちにち, じゅうしちにち, じゅうくにち. */
const NICHI: JaCounter = { kana: 'にち', sound: 'none', seven: 'しち', nine: 'く' };

/** Suffixes after 日 that make a count of days: 日間 (for … days), 日目 (the nth day). */
export const DAY_COUNTERS: Record<string, string> = { 日: '', 日間: 'かん', 日目: 'め' };

/** A number of days or a day of the month: `asDate` picks ついたち over いちにち. */
export function japaneseDay(reading: string, value: number | null, suffix: string, asDate: boolean): string {
  if (value === 1) return (asDate && suffix === '' ? 'ついたち' : 'いちにち') + suffix;
  const word = value === null ? undefined : DAY_WORDS[value];
  return (word ?? counted(reading, value, NICHI)) + suffix;
}

/** Whether 日 here is a day of the month: after 月 (12月1日, 毎月1日) or before a weekday in brackets. */
export function isDateContext(before: string, after: string): boolean {
  return /月\s*$/.test(before) || /^\s*[(（][月火水木金土日]/.test(after);
}

const TSU_WORDS = [
  '',
  'ひとつ',
  'ふたつ',
  'みっつ',
  'よっつ',
  'いつつ',
  'むっつ',
  'ななつ',
  'やっつ',
  'ここのつ',
];

/** 1つ … 9つ in native numbers; undefined for other numbers (10 is とお, written without つ). */
export function japaneseTsu(value: number | null): string | undefined {
  return value === null ? undefined : TSU_WORDS[value] || undefined;
}
