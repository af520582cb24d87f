import { NUMBER, NUMBER_START, parseDecimal } from '../number-text.js';
import { after, alternation, before, regexRule } from '../rule.js';
import type { Rule, RuleSet } from '../types.js';
import {
  ALL_COUNTERS,
  JA_AMOUNT,
  japaneseAmount,
  japaneseCounted,
  kanjiAmount,
  type JapaneseAmount,
} from './amount.js';
import { JA_COUNTERS } from './counters.js';
import { JA_DATE_TIME_RULES } from './datetime.js';
import { isDateContext } from './days.js';
import { KANJI_NUMERAL } from './kanji.js';
import { jaLatinCapsRule, jaLatinWordRule } from './latin.js';
import { jaCurrencyRule, JA_SYMBOL_RULES, jaUnitRule } from './money.js';
import { JA_UNIT_PATTERN } from './units.js';
import { japaneseDecimal } from './numbers.js';

const COUNTER = alternation(ALL_COUNTERS);
const COUNTER_OR_UNIT = `${COUNTER}|${JA_UNIT_PATTERN}`;

/** Words that start like a counted kanji number but are read as words (ろっぽんぎ, みかづき). */
const KANJI_WORDS = [
  '六本木',
  '三日月',
  '一人前',
  '一人称',
  '二人称',
  '三位一体',
  '一日千秋',
  '十八番',
  '五分五分',
  '九分九厘',
];

/** Kanji that may stand right before a kanji number without making it part of a word. */
const BEFORE_KANJI_NUMBER = /(?:[^\p{Script=Han}]|[第約毎各計全同月年時分秒])$|^$/u;

/** Counters whose first number in a range keeps the counter: 1〜2人 ひとりからふたり. */
const REPEAT_IN_RANGE = new Set(['日', '日間', '日目', '人', '人目', 'つ']);

function prefix(dai: string | undefined): string {
  return dai === undefined ? '' : 'だい';
}

function say(amount: JapaneseAmount, counter: string | undefined, asDate: boolean): string | null {
  return counter === undefined ? amount.reading : japaneseCounted(amount, counter, asDate);
}

const kanjiWordsRule = regexRule('ja-kanji-words', new RegExp(alternation(KANJI_WORDS)), (m) => m[0]);

// 3〜5個 → さんからごこ: the counter once, at the end, as Japanese say it.
const rangeRule = regexRule(
  'ja-range',
  new RegExp(
    `${NUMBER_START}${JA_AMOUNT}\\s?(${COUNTER_OR_UNIT})?\\s?[~–-]\\s?${JA_AMOUNT}\\s?(${COUNTER_OR_UNIT})?`,
  ),
  (m, text) => {
    const [first, second] = [m[3], m[6]];
    if (first !== undefined && first !== second) return null;
    // A hyphen is a range only before a counter (3-5個); 3-5 alone may be a code or a score.
    if (second === undefined && !/[~–]/.test(m[0])) return null;
    const asDate = isDateContext(before(m, text), '');
    const low = japaneseAmount(m[1] ?? '', m[2]);
    const lowCounter = first ?? (second !== undefined && REPEAT_IN_RANGE.has(second) ? second : undefined);
    const lowSaid = say(low, lowCounter, asDate);
    const highSaid = say(japaneseAmount(m[4] ?? '', m[5]), second, asDate);
    return lowSaid === null || highSaid === null ? null : `${lowSaid}から${highSaid}`;
  },
);

const countedRule = regexRule(
  'ja-counted',
  new RegExp(`(第)?${NUMBER_START}${JA_AMOUNT}\\s?(${COUNTER})`),
  (m, text) => {
    const said = japaneseCounted(
      japaneseAmount(m[2] ?? '', m[3]),
      m[4] ?? '',
      isDateContext(before(m, text), after(m, text)),
    );
    return said === null ? null : prefix(m[1]) + said;
  },
);

// 分 after a kanji number is minutes (三十分 さんじゅっぷん), except before の (三分の一 is a
// fraction, 一分の隙 いちぶ) and in 十分, which alone is the word "enough" (じゅうぶん) unless a
// time is around it (三時十分, 十分後). kuromoji reads those words right when left alone.
function kanjiMinutes(numeral: string, beforeText: string, afterText: string): boolean {
  if (afterText.startsWith('の')) return false;
  if (numeral !== '十') return true;
  return /時$/.test(beforeText) || /^(?:後|前|ほど|程|くらい|ぐらい|おき|以内|待|遅|早)/.test(afterText);
}

const kanjiRule = regexRule(
  'ja-kanji-number',
  new RegExp(`(第)?(?<!${KANJI_NUMERAL})(${KANJI_NUMERAL}+)(${COUNTER})?`),
  (m, text) => {
    const [dai, numeral, counter] = [m[1], m[2] ?? '', m[3]];
    const beforeText = before(m, text);
    if (dai === undefined && !BEFORE_KANJI_NUMBER.test(beforeText)) return null;
    if (!/^[〇零一二三四五六七八九十百千]/.test(numeral)) return null;
    const amount = kanjiAmount(numeral);
    if (amount === null) return null;
    if (counter === undefined) {
      // A lone 一 or 三 is usually part of a word (一緒, 三角): only numbers with a place or 〇.
      return [...numeral].length > 1 && /[〇十百千万億兆]/.test(numeral)
        ? prefix(dai) + amount.reading
        : null;
    }
    const afterText = after(m, text);
    if (JA_COUNTERS[counter]?.kanji === false) return null;
    if (counter === '分' && !kanjiMinutes(numeral, beforeText, afterText)) return null;
    const said = japaneseCounted(amount, counter, isDateContext(beforeText, afterText));
    return said === null ? null : prefix(dai) + said;
  },
);

const negativeRule = regexRule('ja-negative', new RegExp(`(?<![\\p{L}\\p{N}.,)])-(${NUMBER})`, 'u'), (m) => {
  return `マイナス${japaneseDecimal(parseDecimal(m[1] ?? ''))}`;
});

const numberRule = regexRule('ja-number', new RegExp(`${NUMBER_START}${JA_AMOUNT}`), (m) => {
  return japaneseAmount(m[1] ?? '', m[2]).reading;
});

/** Japanese rules, most specific first: the first one matching at a position wins. */
const RULES: readonly Rule[] = [
  kanjiWordsRule,
  jaLatinWordRule,
  ...JA_DATE_TIME_RULES,
  jaCurrencyRule,
  rangeRule,
  countedRule,
  jaUnitRule,
  kanjiRule,
  negativeRule,
  numberRule,
  jaLatinCapsRule,
  ...JA_SYMBOL_RULES,
];

export const JA_RULES: RuleSet = {
  rules: RULES,
  // Kana and kanji start no rule, except kanji numerals and 第.
  inert: /[\p{Script=Hiragana}\p{Script=Katakana}]|(?![〇零一二三四五六七八九十百千万億兆第])\p{Script=Han}/u,
};
