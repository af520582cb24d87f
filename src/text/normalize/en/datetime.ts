import { slashIsDate, toInt } from '../number-text.js';
import { after, regexRule } from '../rule.js';
import type { Rule } from '../types.js';
import { englishCardinal, englishDigits, englishOrdinal, englishYear } from './numbers.js';

// Dates, clock times and phone numbers in English. Numeric dates are month/day (US order):
// 12/01/2026 is December first. ISO dates (2026-12-01) are year-month-day.

export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Month names and their abbreviations (Jan., Sept), for regexes: a capture per alternative. */
const MONTH_PATTERN = String.raw`(Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?\.?|July?\.?|Aug(?:ust|\.)?|Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)`;

function monthIndex(written: string): number {
  return MONTHS.findIndex((name) => name.slice(0, 3) === written.slice(0, 3));
}

function usDate(month: number, day: number, year?: string): string {
  const md = `${MONTHS[month - 1] ?? ''} ${englishOrdinal(String(day))}`;
  return year === undefined ? md : `${md}, ${englishYear(year)}`;
}

function validDate(month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** Two-digit minutes: 05 oh five, 30 thirty. */
function minutes(mm: number): string {
  return mm < 10 ? `oh ${englishCardinal(String(mm))}` : englishCardinal(String(mm));
}

/** 2:30 pm → two thirty P M; 14:30 → fourteen thirty; 14:00 → fourteen hundred; 2:00 → two o'clock. */
export function englishClock(hour: number, minute: number, meridiem: string | undefined): string {
  const h = hour === 0 ? 'zero' : englishCardinal(String(hour));
  if (meridiem !== undefined) {
    const ap = meridiem.toLowerCase().startsWith('a') ? 'A M' : 'P M';
    return minute === 0 ? `${h} ${ap}` : `${h} ${minutes(minute)} ${ap}`;
  }
  if (minute > 0) return `${h} ${minutes(minute)}`;
  if (hour === 0) return 'midnight';
  return hour <= 12 ? `${h} o'clock` : `${h} hundred`;
}

const MERIDIEM = String.raw`\s?([AaPp]\.?[Mm]\.?)(?![A-Za-z])`;

/** A period that ended the sentence as well as the abbreviation is kept in speech. */
export function keepsFinalPeriod(m: RegExpExecArray, text: string): boolean {
  return m[0].endsWith('.') && /^(?:\s*$|\s+["“‘(]?[A-Z])/.test(after(m, text));
}

function withFinalPeriod(spoken: string, m: RegExpExecArray, text: string): string {
  return keepsFinalPeriod(m, text) ? `${spoken}.` : spoken;
}

export const EN_DATE_TIME_RULES: readonly Rule[] = [
  // (555) 123-4567, 555-123-4567, +1 555 123 4567: digit by digit, a pause between groups.
  regexRule(
    'en-phone',
    /(?<![\d\w])(?:\+(\d{1,3})[\s.-]?)?(?:\((\d{3})\)\s?|(\d{3})[\s.-])(\d{3})[.-](\d{4})(?![\d-])/,
    (m) => {
      const groups = [
        m[1] === undefined ? undefined : `plus ${englishDigits(m[1])}`,
        m[2] ?? m[3],
        m[4],
        m[5],
      ];
      return groups
        .filter((g): g is string => g !== undefined)
        .map((g) => (g.startsWith('plus') ? g : englishDigits(g)))
        .join(', ');
    },
  ),
  // Dec. 1, 2026 / December 1st, 2026 / December 1.
  regexRule(
    'en-month-day',
    new RegExp(String.raw`\b${MONTH_PATTERN}\s(\d{1,2})(?:st|nd|rd|th)?(?:,?\s(\d{4}))?(?![\d:])`),
    (m) => {
      const month = monthIndex(m[1] ?? '') + 1;
      const day = toInt(m[2] ?? '');
      return validDate(month, day) ? usDate(month, day, m[3]) : null;
    },
  ),
  // 1 December 2026 → the first of December, twenty twenty-six.
  regexRule(
    'en-day-month',
    new RegExp(String.raw`\b(\d{1,2})(?:st|nd|rd|th)?\s${MONTH_PATTERN}(?:\s(\d{4}))?\b`),
    (m) => {
      const day = toInt(m[1] ?? '');
      const month = monthIndex(m[2] ?? '') + 1;
      if (!validDate(month, day)) return null;
      const dm = `the ${englishOrdinal(String(day))} of ${MONTHS[month - 1] ?? ''}`;
      return m[3] === undefined ? dm : `${dm}, ${englishYear(m[3])}`;
    },
  ),
  regexRule('en-iso-date', /(?<![\d.\-/])(\d{4})-(\d{2})-(\d{2})(?!\d)/, (m) => {
    const [month, day] = [toInt(m[2] ?? ''), toInt(m[3] ?? '')];
    return validDate(month, day) ? usDate(month, day, m[1]) : null;
  }),
  regexRule('en-us-date', /(?<![\d/])(\d{1,2})\/(\d{1,2})\/(\d{4}|\d{2})(?![\d/])/, (m) => {
    const [month, day] = [toInt(m[1] ?? ''), toInt(m[2] ?? '')];
    const year = m[3] ?? '';
    return validDate(month, day) ? usDate(month, day, year.length === 2 ? `20${year}` : year) : null;
  }),
  regexRule('en-month-day-numeric', /(?<![\d/.])(\d{1,2})\/(\d{1,2})(?![\d/])/, (m) => {
    const [month, day] = [toInt(m[1] ?? ''), toInt(m[2] ?? '')];
    return slashIsDate(month, day) ? usDate(month, day) : null;
  }),
  regexRule(
    'en-clock',
    new RegExp(String.raw`(?<![\d:.])(\d{1,2}):(\d{2})(?:${MERIDIEM})?(?![\d:])`),
    (m, text) => {
      const [h, min] = [toInt(m[1] ?? ''), toInt(m[2] ?? '')];
      const meridiem = m[3];
      if (min >= 60 || h > 24 || (meridiem !== undefined && (h === 0 || h > 12))) return null;
      return withFinalPeriod(englishClock(h, min, meridiem), m, text);
    },
  ),
  // 5 pm, 11 a.m.
  regexRule('en-hour', new RegExp(String.raw`(?<![\d:.])(\d{1,2})${MERIDIEM}`), (m, text) => {
    const h = toInt(m[1] ?? '');
    return h >= 1 && h <= 12 ? withFinalPeriod(englishClock(h, 0, m[2]), m, text) : null;
  }),
];
