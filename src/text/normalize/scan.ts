import type { NormalizedToken, Rule, RuleSet } from './types.js';

/** A token as scanned, remembering whether a rule (or lexicon entry) produced it. */
export interface ScannedToken extends NormalizedToken {
  changed: boolean;
  /** Said leaning on the token before it (see Rule.attaches). */
  attaches: boolean;
}

/**
 * Tokens for written[start, end): at each position the first rule that matches (and stays
 * inside the range) makes one token; text no rule claims becomes unchanged tokens, one per word
 * and one per whitespace run. Rules read `folded` (same offsets as `written`).
 */
export function scan(
  written: string,
  folded: string,
  ruleSet: RuleSet,
  start: number,
  end: number,
): ScannedToken[] {
  const { rules, inert } = ruleSet;
  const tokens: ScannedToken[] = [];
  let plainFrom = start;
  let pos = start;
  while (pos < end) {
    const found = inert?.test(folded.charAt(pos)) ? null : firstMatch(folded, rules, pos, end);
    if (found === null) {
      pos += 1;
      continue;
    }
    const { hit, rule } = found;
    pushPlain(tokens, written, plainFrom, pos);
    tokens.push({
      written: written.slice(pos, pos + hit.length),
      spoken: hit.spoken,
      start: pos,
      end: pos + hit.length,
      changed: true,
      attaches: rule.attaches ?? false,
    });
    pos += hit.length;
    plainFrom = pos;
  }
  pushPlain(tokens, written, plainFrom, end);
  return tokens;
}

function firstMatch(folded: string, rules: readonly Rule[], at: number, end: number) {
  for (const rule of rules) {
    const hit = rule.match(folded, at);
    if (hit !== null && at + hit.length <= end) return { hit, rule };
  }
  return null;
}

/** Unchanged text [from, to) as tokens: each whitespace run and each run between them. */
function pushPlain(tokens: ScannedToken[], written: string, from: number, to: number): void {
  const space = /\s/;
  for (let at = from; at < to;) {
    const blank = space.test(written.charAt(at));
    let end = at + 1;
    while (end < to && space.test(written.charAt(end)) === blank) end++;
    const piece = written.slice(at, end);
    tokens.push({ written: piece, spoken: piece, start: at, end, changed: false, attaches: false });
    at = end;
  }
}
