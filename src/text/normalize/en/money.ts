import { NUMBER, NUMBER_START, parseDecimal, type Decimal } from '../number-text.js';
import { alternation, regexRule } from '../rule.js';
import type { Rule } from '../types.js';
import { englishCardinal, englishDecimal } from './numbers.js';

// Money with a currency sign and numbers with units.

interface Currency {
  one: string;
  many: string;
  cent?: [string, string];
}

const CURRENCY: Record<string, Currency> = {
  $: { one: 'dollar', many: 'dollars', cent: ['cent', 'cents'] },
  '€': { one: 'euro', many: 'euros', cent: ['cent', 'cents'] },
  '£': { one: 'pound', many: 'pounds', cent: ['penny', 'pence'] },
  '¥': { one: 'yen', many: 'yen' },
  '₩': { one: 'won', many: 'won' },
};

const SCALE_WORDS: Record<string, string> = {
  K: 'thousand',
  k: 'thousand',
  M: 'million',
  B: 'billion',
  bn: 'billion',
  thousand: 'thousand',
  million: 'million',
  billion: 'billion',
  trillion: 'trillion',
};

function isOne(value: Decimal): boolean {
  return value.int === '1' && value.frac === '';
}

/** $5.50 → five dollars and fifty cents; $1.2M → one point two million dollars. */
function money(sign: string, raw: string, scale: string | undefined): string {
  const currency = CURRENCY[sign] ?? { one: sign, many: sign };
  const value = parseDecimal(raw);
  if (scale !== undefined) return `${englishDecimal(value)} ${SCALE_WORDS[scale] ?? scale} ${currency.many}`;
  if (currency.cent !== undefined && value.frac.length === 2) {
    const cents = Number(value.frac);
    const [one, many] = currency.cent;
    const centWords = `${englishCardinal(String(cents))} ${cents === 1 ? one : many}`;
    if (value.int === '0' && cents > 0) return centWords;
    const whole = `${englishCardinal(value.int)} ${value.int === '1' ? currency.one : currency.many}`;
    return cents === 0 ? whole : `${whole} and ${centWords}`;
  }
  return `${englishDecimal(value)} ${isOne(value) ? currency.one : currency.many}`;
}

export const enCurrencyRule: Rule = regexRule(
  'en-currency',
  new RegExp(
    String.raw`(?<![\w.])([$€£¥₩])(${NUMBER})(?:\s?(K|k|M|B|bn)(?![A-Za-z])|\s(thousand|million|billion|trillion)\b)?`,
  ),
  (m) => money(m[1] ?? '', m[2] ?? '', m[3] ?? m[4]),
);

/** Units after a number: [singular, plural]. */
export const EN_UNITS: Record<string, [string, string]> = {
  '%': ['percent', 'percent'],
  km: ['kilometer', 'kilometers'],
  'km/h': ['kilometer per hour', 'kilometers per hour'],
  kph: ['kilometer per hour', 'kilometers per hour'],
  mph: ['mile per hour', 'miles per hour'],
  m: ['meter', 'meters'],
  cm: ['centimeter', 'centimeters'],
  mm: ['millimeter', 'millimeters'],
  mi: ['mile', 'miles'],
  ft: ['foot', 'feet'],
  yd: ['yard', 'yards'],
  kg: ['kilogram', 'kilograms'],
  g: ['gram', 'grams'],
  mg: ['milligram', 'milligrams'],
  lb: ['pound', 'pounds'],
  lbs: ['pound', 'pounds'],
  oz: ['ounce', 'ounces'],
  L: ['liter', 'liters'],
  l: ['liter', 'liters'],
  ml: ['milliliter', 'milliliters'],
  mL: ['milliliter', 'milliliters'],
  '°C': ['degree Celsius', 'degrees Celsius'],
  '℃': ['degree Celsius', 'degrees Celsius'],
  '°F': ['degree Fahrenheit', 'degrees Fahrenheit'],
  '℉': ['degree Fahrenheit', 'degrees Fahrenheit'],
  '°': ['degree', 'degrees'],
  GB: ['gigabyte', 'gigabytes'],
  MB: ['megabyte', 'megabytes'],
  TB: ['terabyte', 'terabytes'],
  KB: ['kilobyte', 'kilobytes'],
  kB: ['kilobyte', 'kilobytes'],
  GHz: ['gigahertz', 'gigahertz'],
  MHz: ['megahertz', 'megahertz'],
  Hz: ['hertz', 'hertz'],
  kW: ['kilowatt', 'kilowatts'],
  kWh: ['kilowatt hour', 'kilowatt hours'],
  W: ['watt', 'watts'],
  V: ['volt', 'volts'],
  mAh: ['milliamp hour', 'milliamp hours'],
  ms: ['millisecond', 'milliseconds'],
  sec: ['second', 'seconds'],
  min: ['minute', 'minutes'],
  mins: ['minute', 'minutes'],
  hr: ['hour', 'hours'],
  hrs: ['hour', 'hours'],
};

export const EN_UNIT_PATTERN = `(?:${alternation(Object.keys(EN_UNITS))})(?![A-Za-z])`;

/** The unit's name for a number: singular only for exactly 1 (1.5 kilometers). */
export function unitName(unit: string, value: Decimal): string {
  const names = EN_UNITS[unit];
  if (names === undefined) return unit;
  return isOne(value) ? names[0] : names[1];
}

export const enUnitRule: Rule = regexRule(
  'en-unit',
  new RegExp(String.raw`${NUMBER_START}(?<![\w.])(-)?(${NUMBER})\s?(${EN_UNIT_PATTERN})`),
  (m) => {
    const value = parseDecimal(m[2] ?? '');
    return `${m[1] === undefined ? '' : 'minus '}${englishDecimal(value)} ${unitName(m[3] ?? '', value)}`;
  },
);
