import { slashIsDate, toInt } from '../number-text.js';
import { regexRule } from '../rule.js';
import type { Rule } from '../types.js';
import { koreanDigits, nativeKorean, sinoKorean } from './numbers.js';

// Dates, clock times, ratios and phone numbers in Korean. Dates read year 년, month 월, day 일 with
// Sino numbers (6월 and 10월 are the words 유월 and 시월); clock hours are native (열네 시),
// minutes and seconds Sino (삼십 분).

export function koreanMonth(m: number): string {
  if (m === 6) return '유월';
  if (m === 10) return '시월';
  return `${sinoKorean(String(m))} 월`;
}

function koreanDate(year: string | undefined, month: number, day: number): string {
  const parts = [koreanMonth(month), `${sinoKorean(String(day))} 일`];
  if (year !== undefined) parts.unshift(`${sinoKorean(year)} 년`);
  return parts.join(' ');
}

function validDate(month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** 14:30 → 열네 시 삼십 분; the hour 0 is 영 시. */
export function koreanClock(hour: number, minute: number, second = 0): string {
  const parts = [`${hour === 0 ? '영' : nativeKorean(hour)} 시`];
  if (minute > 0) parts.push(`${sinoKorean(String(minute))} 분`);
  if (second > 0) parts.push(`${sinoKorean(String(second))} 초`);
  return parts.join(' ');
}

export const KO_DATE_TIME_RULES: readonly Rule[] = [
  // Days named by their date are said digit by digit: 3.1절 삼일절, 6.25 전쟁 육이오 전쟁.
  regexRule(
    'ko-named-day',
    /(?<![\d.])(3\.1|4\.19|5\.18|6\.25|8\.15)(?=\s?(?:절|전쟁|운동|혁명|민주화|광복절|사변|사태))/,
    (m) => koreanDigits((m[1] ?? '').replace('.', '')),
  ),
  // 010-1234-5678, 02-123-4567, +82-10-1234-5678: each group digit by digit, 0 as 공.
  regexRule('ko-phone', /(?<![\d-])(?:\+(\d{1,3})-)?(0?\d{1,3})-(\d{3,4})-(\d{4})(?![\d-])/, (m) => {
    const groups = [m[2], m[3], m[4]].map((g) => koreanDigits(g ?? ''));
    return (m[1] === undefined ? '' : `플러스 ${koreanDigits(m[1])} `) + groups.join(' ');
  }),
  // Nationwide service numbers: 1588-1234.
  regexRule('ko-service-number', /(?<![\d-])(1[568]\d{2})-(\d{4})(?![\d-])/, (m) =>
    [m[1], m[2]].map((g) => koreanDigits(g ?? '')).join(' '),
  ),
  // 2026-12-01, 2026.12.01, 2026/12/01 and 2026. 12. 1.
  regexRule(
    'ko-iso-date',
    /(?<![\d.\-/])(\d{4})(?:([-./])(\d{1,2})\2|\.\s(\d{1,2})\.\s)(\d{1,2})(?![\d])/,
    (m) => {
      const month = toInt(m[3] ?? m[4] ?? '');
      const day = toInt(m[5] ?? '');
      return validDate(month, day) ? koreanDate(m[1], month, day) : null;
    },
  ),
  // 12/1/2026: month/day/year.
  regexRule('ko-us-date', /(?<![\d/])(\d{1,2})\/(\d{1,2})\/(\d{4})(?![\d/])/, (m) => {
    const month = toInt(m[1] ?? '');
    const day = toInt(m[2] ?? '');
    return validDate(month, day) ? koreanDate(m[3], month, day) : null;
  }),
  // 12/1 is a date, 1/2 a fraction (이분의 일): see slashIsDate.
  regexRule('ko-month-day', /(?<![\d/.])(\d{1,2})\/(\d{1,2})(?![\d/])/, (m) => {
    const month = toInt(m[1] ?? '');
    const day = toInt(m[2] ?? '');
    return slashIsDate(month, day) ? koreanDate(undefined, month, day) : null;
  }),
  regexRule('ko-fraction', /(?<![\d/.])(\d+)\/(\d+)(?![\d/])/, (m) => {
    return `${sinoKorean(m[2] ?? '')}분의 ${sinoKorean(m[1] ?? '')}`;
  }),
  // 14:30, 2:05, 14:30:15.
  regexRule('ko-clock', /(?<![\d:.])(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])/, (m) => {
    const [h, min, s] = [toInt(m[1] ?? ''), toInt(m[2] ?? ''), toInt(m[3] ?? '0')];
    return h <= 24 && min < 60 && s < 60 ? koreanClock(h, min, s) : null;
  }),
  // Scores and ratios: 3:1 and 1대1 → 삼 대 일, 일 대 일.
  regexRule('ko-ratio', /(?<![\d:.])(\d+)(?::|대(?=\d))(\d+)(?![\d:])/, (m) => {
    return `${sinoKorean(m[1] ?? '')} 대 ${sinoKorean(m[2] ?? '')}`;
  }),
];
