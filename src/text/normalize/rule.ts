import type { Rule } from './types.js';

/** What a regex rule's speaker sees: the match (index = where it starts) and the whole folded text. */
export type Speaker = (m: RegExpExecArray, text: string) => string | null;

/**
 * A rule from a regular expression anchored at the position tried (sticky). The speaker may
 * return null to decline a match that its context rules out, letting later rules try.
 */
export function regexRule(
  name: string,
  pattern: RegExp,
  speak: Speaker,
  options: { attaches?: boolean } = {},
): Rule {
  const sticky = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '') + 'y');
  return {
    name,
    attaches: options.attaches ?? false,
    match(text, at) {
      sticky.lastIndex = at;
      const m = sticky.exec(text);
      if (!m || m[0].length === 0) return null;
      const spoken = speak(m, text);
      return spoken === null ? null : { length: m[0].length, spoken };
    },
  };
}

/** Alternation of literal words, longest first so that 시간 is tried before 시. */
export function alternation(words: Iterable<string>): string {
  return [...words]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('|');
}

/** The text after a match, for rules that decide by what follows. */
export function after(m: RegExpExecArray, text: string): string {
  return text.slice(m.index + m[0].length);
}

/** The text before a match. */
export function before(m: RegExpExecArray, text: string): string {
  return text.slice(0, m.index);
}
