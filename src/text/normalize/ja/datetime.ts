import { slashIsDate, toInt } from '../number-text.js';
import { regexRule } from '../rule.js';
import type { Rule } from '../types.js';
import { counted, JA_COUNTERS, type JaCounter } from './counters.js';
import { japaneseDay } from './days.js';
import { japaneseCardinal, japaneseDigits } from './numbers.js';

// Dates, clock times, ratios, fractions and phone numbers in Japanese.

function counter(key: string): JaCounter {
  const spec = JA_COUNTERS[key];
  if (spec === undefined) throw new Error(`missing Japanese counter ${key}`);
  return spec;
}
const [YEAR, MONTH, HOUR, MINUTE, SECOND] = ['年', '月', '時', '分', '秒'].map(counter) as [
  JaCounter,
  JaCounter,
  JaCounter,
  JaCounter,
  JaCounter,
];

function withCounter(n: number, spec: JaCounter): string {
  return counted(japaneseCardinal(String(n)), n, spec);
}

/** 2026年12月1日 → にせんにじゅうろくねんじゅうにがつついたち. */
function japaneseDate(year: number | undefined, month: number, day: number): string {
  const ymd = withCounter(month, MONTH) + japaneseDay(japaneseCardinal(String(day)), day, '', true);
  return year === undefined ? ymd : withCounter(year, YEAR) + ymd;
}

function validDate(month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** 14:30 → じゅうよじさんじゅっぷん; the hour 0 is れいじ. */
export function japaneseClock(hour: number, minute: number, second = 0): string {
  let out = hour === 0 ? 'れいじ' : withCounter(hour, HOUR);
  if (minute > 0) out += withCounter(minute, MINUTE);
  if (second > 0) out += withCounter(second, SECOND);
  return out;
}

export const JA_DATE_TIME_RULES: readonly Rule[] = [
  // 03-1234-5678, 090-1234-5678: digit by digit, groups joined by の as Japanese read them.
  regexRule('ja-phone', /(?<![\d-])(0\d{1,4})-(\d{1,4})-(\d{4})(?![\d-])/, (m) =>
    [m[1], m[2], m[3]].map((g) => japaneseDigits(g ?? '')).join('の'),
  ),
  regexRule('ja-iso-date', /(?<![\d.\-/])(\d{4})([-./])(\d{1,2})\2(\d{1,2})(?!\d)/, (m) => {
    const [month, day] = [toInt(m[3] ?? ''), toInt(m[4] ?? '')];
    return validDate(month, day) ? japaneseDate(toInt(m[1] ?? ''), month, day) : null;
  }),
  regexRule('ja-month-day', /(?<![\d/.])(\d{1,2})\/(\d{1,2})(?![\d/])/, (m) => {
    const [month, day] = [toInt(m[1] ?? ''), toInt(m[2] ?? '')];
    return slashIsDate(month, day) ? japaneseDate(undefined, month, day) : null;
  }),
  // 1/2 → にぶんのいち.
  regexRule('ja-fraction', /(?<![\d/.])(\d+)\/(\d+)(?![\d/])/, (m) => {
    return `${japaneseCardinal(m[2] ?? '')}ぶんの${japaneseCardinal(m[1] ?? '')}`;
  }),
  regexRule('ja-clock', /(?<![\d:.])(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])/, (m) => {
    const [h, min, s] = [toInt(m[1] ?? ''), toInt(m[2] ?? ''), toInt(m[3] ?? '0')];
    return h <= 24 && min < 60 && s < 60 ? japaneseClock(h, min, s) : null;
  }),
  // Scores and ratios: 2:1 → にたいいち.
  regexRule('ja-ratio', /(?<![\d:.])(\d+):(\d+)(?![\d:])/, (m) => {
    return `${japaneseCardinal(m[1] ?? '')}たい${japaneseCardinal(m[2] ?? '')}`;
  }),
];
