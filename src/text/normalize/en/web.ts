import { regexRule } from '../rule.js';
import type { Rule } from '../types.js';
import { englishDigits } from './numbers.js';

// URLs and e-mail addresses as people read them out: "example dot com slash docs",
// "jane dot doe at example dot com". The scheme (https://) is not said.

const SEPARATORS: Record<string, string> = {
  '.': 'dot',
  '/': 'slash',
  '-': 'dash',
  _: 'underscore',
  '@': 'at',
  ':': 'colon',
  '?': 'question mark',
  '=': 'equals',
  '&': 'and',
  '#': 'hash',
  '~': 'tilde',
  '+': 'plus',
  '%': 'percent',
};

function spell(address: string): string {
  return (address.match(/[A-Za-z]+|\d+|[^A-Za-z\d]/g) ?? [])
    .map((part) => {
      if (/^\d+$/.test(part)) return englishDigits(part);
      if (/^www$/i.test(part)) return 'W W W';
      return SEPARATORS[part] ?? part;
    })
    .join(' ');
}

/** Top-level domains that make a bare name (example.com) an address rather than a sentence end. */
const TLD = 'com|org|net|io|dev|gov|edu|co|uk|us|ai|app|info|biz|me|tv|de|fr|jp|kr|eu|ca|au|ly|gg|xyz';

export const EN_WEB_RULES: readonly Rule[] = [
  regexRule(
    'en-email',
    /(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/,
    (m) => spell(m[0]),
  ),
  regexRule(
    'en-url',
    new RegExp(
      String.raw`(?<![\w@.])(?:(https?:\/\/)[\w-]+(?:\.[\w-]+)+|(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:${TLD})\b)(?:\/[^\s]*[^\s.,;:!?)'"])?\/?`,
    ),
    (m) => spell(m[0].slice(m[1]?.length ?? 0)),
  ),
];
