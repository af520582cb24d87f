import { hasLeadingZero, NUMBER, parseDecimal, shiftDecimal } from '../number-text.js';
import { JA_COUNTERS, counted } from './counters.js';
import { DAY_COUNTERS, japaneseDay, japaneseTsu } from './days.js';
import { parseKanjiNumber } from './kanji.js';
import { japaneseCardinal, japaneseDecimal, japaneseInteger } from './numbers.js';
import { JA_UNITS } from './units.js';

/** Digits with an optional kanji scale (3万, 1億, 5千, 1.5万); groups: 1 the number, 2 the scale. */
export const JA_AMOUNT = `(${NUMBER})([十百千]?[万億兆]|[百千])?`;

const SCALE_EXPONENT: Record<string, number> = { 十: 1, 百: 2, 千: 3, 万: 4, 億: 8, 兆: 12 };

export interface JapaneseAmount {
  reading: string;
  /** Integer value; null for decimals and digit strings such as 007. */
  value: number | null;
}

export function japaneseAmount(raw: string, scale: string | undefined): JapaneseAmount {
  let value = parseDecimal(raw);
  if (scale !== undefined && scale !== '') {
    value = shiftDecimal(
      value,
      [...scale].reduce((sum, ch) => sum + (SCALE_EXPONENT[ch] ?? 0), 0),
    );
  }
  if (value.frac !== '') return { reading: japaneseDecimal(value), value: null };
  return {
    reading: japaneseInteger(value.int),
    value: hasLeadingZero(value.int) ? null : Number(value.int),
  };
}

export function kanjiAmount(text: string): JapaneseAmount | null {
  const digits = parseKanjiNumber(text);
  return digits === null ? null : { reading: japaneseCardinal(digits), value: Number(digits) };
}

/** Every counter the rules know, for regexes: the table, the day counters and つ. */
export const ALL_COUNTERS = [...Object.keys(JA_COUNTERS), ...Object.keys(DAY_COUNTERS), 'つ'];

/**
 * The amount said with its counter, or null when the pair is not a counted number (10つ).
 * `asDate` says whether 日 is a day of the month.
 */
export function japaneseCounted(amount: JapaneseAmount, counter: string, asDate: boolean): string | null {
  const daySuffix = DAY_COUNTERS[counter];
  if (daySuffix !== undefined) return japaneseDay(amount.reading, amount.value, daySuffix, asDate);
  if (counter === 'つ') return japaneseTsu(amount.value) ?? null;
  const spec = JA_COUNTERS[counter] ?? JA_UNITS[counter];
  return spec === undefined ? null : counted(amount.reading, amount.value, spec);
}
