import { after, alternation, before, regexRule } from '../rule.js';
import type { Rule } from '../types.js';
import { keepsFinalPeriod } from './datetime.js';
import { englishCardinal, ordinalOf } from './numbers.js';

// Common abbreviations, dotted initials, Roman numerals and symbols in English.

/**
 * Abbreviations read one way wherever they stand. `final`: its period may also end the sentence
 * (etc., Inc.), kept in speech before a capital or at the end; 'end' only at the end of the text
 * (Jr. Day is a name going on).
 */
type Final = boolean | 'end';
const FIXED: Record<string, { say: string; final?: Final }> = {
  'Mr.': { say: 'Mister' },
  'Mrs.': { say: 'Missus' },
  'Ms.': { say: 'Miz' },
  'Prof.': { say: 'Professor' },
  'Gen.': { say: 'General' },
  'Capt.': { say: 'Captain' },
  'Lt.': { say: 'Lieutenant' },
  'Sgt.': { say: 'Sergeant' },
  'Rev.': { say: 'Reverend' },
  'Gov.': { say: 'Governor' },
  'Sen.': { say: 'Senator' },
  'Rep.': { say: 'Representative' },
  'Pres.': { say: 'President' },
  'Mt.': { say: 'Mount' },
  'Jr.': { say: 'Junior', final: 'end' },
  'Sr.': { say: 'Senior', final: 'end' },
  'Ave.': { say: 'Avenue', final: true },
  'Blvd.': { say: 'Boulevard', final: true },
  'Rd.': { say: 'Road', final: true },
  'Inc.': { say: 'Incorporated', final: true },
  'Ltd.': { say: 'Limited', final: true },
  'Corp.': { say: 'Corporation', final: true },
  'Co.': { say: 'Company', final: true },
  'Bros.': { say: 'Brothers', final: true },
  'etc.': { say: 'et cetera', final: true },
  'e.g.': { say: 'for example' },
  'i.e.': { say: 'that is' },
  'vs.': { say: 'versus' },
  vs: { say: 'versus' },
  'approx.': { say: 'approximately' },
  'dept.': { say: 'department' },
  'Dept.': { say: 'Department' },
};

/** Labels read as words only before a number: No. 5 → number five, Fig. 3 → figure three. */
const BEFORE_NUMBER: Record<string, string> = {
  'No.': 'number',
  'no.': 'number',
  'Nos.': 'numbers',
  'Fig.': 'figure',
  'Vol.': 'volume',
  'Ch.': 'chapter',
  'Pt.': 'part',
  '#': 'number',
};

const CAPITALIZED_NEXT = /^\s+[A-Z]/;
const CAPITALIZED_PREVIOUS = /(?:[A-Z][\w'-]*|\d+(?:st|nd|rd|th)?)\s+$/;

function finalPeriod(spoken: string, final: Final | undefined, m: RegExpExecArray, text: string): string {
  if (final === 'end') return /^\s*$/.test(after(m, text)) ? `${spoken}.` : spoken;
  return final === true && keepsFinalPeriod(m, text) ? `${spoken}.` : spoken;
}

/** St. is Street after a name (Main St., 5th St.), Saint before one (St. Louis). */
function saintOrStreet(m: RegExpExecArray, text: string): string {
  if (!CAPITALIZED_PREVIOUS.test(before(m, text)) && CAPITALIZED_NEXT.test(after(m, text))) return 'Saint';
  return finalPeriod('Street', true, m, text);
}

/** Dr. is Doctor before a name (Dr. Smith), Drive after one (Mulholland Dr.). */
function doctorOrDrive(m: RegExpExecArray, text: string): string {
  if (CAPITALIZED_NEXT.test(after(m, text))) return 'Doctor';
  return CAPITALIZED_PREVIOUS.test(before(m, text)) ? finalPeriod('Drive', true, m, text) : 'Doctor';
}

const ROMAN = /^M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$/;
const ROMAN_VALUE: Record<string, number> = { I: 1, V: 5, X: 10, L: 50, C: 100, D: 500, M: 1000 };

export function romanValue(numeral: string): number | null {
  if (numeral === '' || !ROMAN.test(numeral)) return null;
  let total = 0;
  for (let i = 0; i < numeral.length; i++) {
    const v = ROMAN_VALUE[numeral.charAt(i)] ?? 0;
    const next = ROMAN_VALUE[numeral.charAt(i + 1)] ?? 0;
    total += v < next ? -v : v;
  }
  return total;
}

/** Words after which a Roman numeral is a number: Chapter IV, World War II, Part III. */
const NUMBERED = [
  'Chapter',
  'Part',
  'Book',
  'Volume',
  'Act',
  'Scene',
  'Section',
  'Article',
  'Phase',
  'Stage',
  'Round',
  'Episode',
  'Level',
  'Class',
  'Type',
  'Grade',
  'War',
  'Title',
  'Appendix',
  'Season',
  'Unit',
  'Lesson',
  'Psalm',
  'Super Bowl',
];

/** Names of monarchs and popes, after which a Roman numeral is a regnal ordinal: Henry VIII. */
const REGNAL = [
  'Henry',
  'Elizabeth',
  'Louis',
  'Charles',
  'James',
  'George',
  'Edward',
  'William',
  'Richard',
  'John',
  'Paul',
  'Mary',
  'Philip',
  'Frederick',
  'Peter',
  'Catherine',
  'Alexander',
  'Nicholas',
  'Ivan',
  'Napoleon',
  'Benedict',
  'Pius',
  'Leo',
  'Gregory',
  'Innocent',
  'Clement',
  'Ramesses',
  'Ptolemy',
  'Constantine',
  'Otto',
  'Gustav',
  'Ferdinand',
  'Isabella',
  'Francis',
  'Victoria',
  'Anne',
];

function capitalize(words: string): string {
  return words.replace(/(^|[\s-])([a-z])/g, (_, sep: string, ch: string) => sep + ch.toUpperCase());
}

const romanRule = regexRule(
  'en-roman',
  new RegExp(String.raw`(?<=\b(${alternation(NUMBERED)}|${alternation(REGNAL)})\s)([IVXLCDM]+)(?![\w'])`),
  (m) => {
    const value = romanValue(m[2] ?? '');
    if (value === null) return null;
    const cardinal = englishCardinal(String(value));
    return REGNAL.includes(m[1] ?? '') ? `the ${capitalize(ordinalOf(cardinal))}` : capitalize(cardinal);
  },
);

export const EN_ABBREVIATION_RULES: readonly Rule[] = [
  regexRule('en-saint-street', /\bSt\.(?=\s|$)/, saintOrStreet),
  regexRule('en-doctor-drive', /\bDr\.(?=\s|$)/, doctorOrDrive),
  regexRule(
    'en-abbreviation',
    new RegExp(String.raw`(?<![\w.])(?:${alternation(Object.keys(FIXED))})(?=[\s,;:!?)]|$)`),
    (m, text) => {
      const entry = FIXED[m[0]];
      return entry === undefined ? null : finalPeriod(entry.say, entry.final, m, text);
    },
  ),
  regexRule(
    'en-label',
    new RegExp(String.raw`(?<![\w.])(${alternation(Object.keys(BEFORE_NUMBER))})\s?(?=\d)`),
    (m) => `${BEFORE_NUMBER[m[1] ?? ''] ?? ''} `,
  ),
  romanRule,
  // U.S., U.K., Ph.D.: letter by letter.
  regexRule('en-initials', /(?<![\w.])(?:[A-Za-z]\.){2,}/, (m, text) => {
    const letters = m[0].replace(/\./g, ' ').trim().toUpperCase();
    return /^\s*$/.test(after(m, text)) ? `${letters}.` : letters;
  }),
];

export const EN_SYMBOL_RULES: readonly Rule[] = [
  regexRule('en-ampersand', /&/, () => 'and'),
  regexRule('en-percent', /%/, () => 'percent'),
  regexRule('en-at', /(?<=\s)@(?=\s)/, () => 'at'),
  regexRule('en-plus', /(?<=[\s\d])\+(?=[\s\d])/, () => 'plus'),
  regexRule('en-equals', /(?<=[\s\d])=(?=[\s\d])/, () => 'equals'),
];
