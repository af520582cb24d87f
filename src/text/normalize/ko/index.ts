import { NUMBER, NUMBER_START, parseDecimal } from '../number-text.js';
import { after, regexRule } from '../rule.js';
import type { Rule, RuleSet } from '../types.js';
import { KO_AMOUNT, koreanAmount, type KoreanAmount } from './amount.js';
import { countedKorean, fusedRange, KO_COUNTER_PATTERN, KO_UNIT_PATTERN, KO_UNITS } from './counters.js';
import { KO_DATE_TIME_RULES } from './datetime.js';
import { koLatinCapsRule, koLatinWordRule } from './latin.js';
import { koCurrencyRule, KO_SYMBOL_RULES, koUnitRule } from './money.js';
import { sinoDecimal } from './numbers.js';

const COUNTER_OR_UNIT = `(?:${KO_COUNTER_PATTERN})|${KO_UNIT_PATTERN}`;

/** A number with its counter or unit (or neither) as said. */
function withCounter(amount: KoreanAmount, counter: string | undefined, rest: string): string {
  if (counter === undefined) return amount.sino;
  const unit = KO_UNITS[counter];
  if (unit !== undefined) return `${amount.sino} ${unit}`;
  return countedKorean(amount.whole, amount.sino, counter, rest);
}

// 3~5개 → 세 개에서 다섯 개 (the counter said on both ends), 1~2개 → 한두 개, 3~5 → 삼에서 오.
// 1-2명 is a range too.
const rangeRule = regexRule(
  'ko-range',
  new RegExp(
    `${NUMBER_START}${KO_AMOUNT}\\s?(${COUNTER_OR_UNIT})?\\s?[~–-]\\s?${KO_AMOUNT}\\s?(${COUNTER_OR_UNIT})?`,
  ),
  (m, text) => {
    const [first, second] = [m[3], m[6]];
    if (first !== undefined && first !== second) return null;
    // A hyphen is a range only before a counter (1-2명); 3-5 alone may be a code or a score.
    if (second === undefined && !/[~–]/.test(m[0])) return null;
    const low = koreanAmount(m[1] ?? '', m[2]);
    const high = koreanAmount(m[4] ?? '', m[5]);
    const rest = after(m, text);
    if (second !== undefined) {
      const fused = fusedRange(low.whole, high.whole, second, KO_UNITS[second] ?? second);
      if (fused !== undefined) return fused;
    }
    return `${withCounter(low, second, rest)}에서 ${withCounter(high, second, rest)}`;
  },
);

// 제3장 → 제 삼 장: 제 makes an ordinal of a Sino number, whatever the counter.
const ordinalPrefixRule = regexRule(
  'ko-je-ordinal',
  new RegExp(`(?<!\\p{Script=Hangul})제\\s?(${NUMBER})(?:\\s?(${KO_COUNTER_PATTERN}))?`, 'u'),
  (m) => `제 ${sinoDecimal(parseDecimal(m[1] ?? ''))}${m[2] === undefined ? '' : ` ${m[2]}`}`,
);

const countedRule = regexRule(
  'ko-counted',
  new RegExp(`${NUMBER_START}${KO_AMOUNT}\\s?(${KO_COUNTER_PATTERN})`),
  (m, text) => {
    const counter = m[3] ?? '';
    return withCounter(koreanAmount(m[1] ?? '', m[2]), counter, after(m, text));
  },
);

const negativeRule = regexRule(
  'ko-negative',
  new RegExp(`(?<![\\p{L}\\p{N}.,)])-(${NUMBER})`, 'u'),
  (m) => `마이너스 ${sinoDecimal(parseDecimal(m[1] ?? ''))}`,
);

const numberRule = regexRule('ko-number', new RegExp(`${NUMBER_START}${KO_AMOUNT}`), (m) => {
  return koreanAmount(m[1] ?? '', m[2]).sino;
});

/** Korean rules, most specific first: the first one matching at a position wins. */
const RULES: readonly Rule[] = [
  koLatinWordRule,
  ...KO_DATE_TIME_RULES,
  koCurrencyRule,
  rangeRule,
  ordinalPrefixRule,
  countedRule,
  koUnitRule,
  negativeRule,
  numberRule,
  koLatinCapsRule,
  ...KO_SYMBOL_RULES,
];

export const KO_RULES: RuleSet = {
  rules: RULES,
  // Hangul syllables start no rule, except 제 (제3장).
  inert: /(?!제)[가-힣]/,
};
