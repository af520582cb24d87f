import { alignWords } from '../../captions/align.js';
import type { WordTiming } from '../../captions/types.js';
import { normalize, type LexiconAlias, type NormalizeResult } from '../../text/normalize/index.js';
import type { Language } from '../types.js';

/** A word the engine spoke, located in the spoken line: UTF-16 offsets [from, to). */
export interface SpokenWord extends WordTiming {
  from: number;
  to: number;
}

/** The line as it is to be said, with the tokens that lead back to the written text. */
export function spokenLine(
  lang: Language,
  text: string,
  lexicon: readonly LexiconAlias[] = [],
): NormalizeResult {
  return normalize(lang, text, { lexicon });
}

/**
 * The engine's words for one spoken sentence, placed in the spoken line (`offset` is where the
 * sentence starts in it). Words that cannot be found in the sentence are dropped: their time is
 * covered by their neighbours once mapped back.
 */
export function locateWords(sentence: string, offset: number, words: readonly WordTiming[]): SpokenWord[] {
  const spans = alignWords(sentence, words);
  const out: SpokenWord[] = [];
  words.forEach((w, i) => {
    const span = spans[i];
    if (span) out.push({ ...w, from: offset + span.from, to: offset + span.to });
  });
  return out;
}

/**
 * Word timings in written form: each written token takes the time of the spoken words it produced
 * (`3시` spans the engine's "세" and "시"). An engine word that reaches into a rewritten token claims
 * the whole token, and words claiming overlapping written text become one word, so a caption word
 * is always a whole written token or a piece of text that was spoken as written.
 */
export function writtenWords(
  text: string,
  line: NormalizeResult,
  words: readonly SpokenWord[],
): WordTiming[] {
  const starts: number[] = [];
  let pos = 0;
  for (const t of line.tokens) {
    starts.push(pos);
    pos += t.spoken.length;
  }
  // Index of the token whose spoken text holds offset `at` (the last one starting at or before it).
  const tokenAt = (at: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const toWritten = (at: number, edge: 'start' | 'end'): number => {
    const i = tokenAt(edge === 'start' ? at : Math.max(0, at - 1));
    const t = line.tokens[i];
    if (!t) return edge === 'start' ? 0 : text.length;
    if (t.written === t.spoken) return t.start + (at - (starts[i] ?? 0));
    return edge === 'start' ? t.start : t.end;
  };

  const merged: Array<{ from: number; to: number; start: number; end: number }> = [];
  for (const w of words) {
    const from = toWritten(w.from, 'start');
    const to = toWritten(w.to, 'end');
    const prev = merged[merged.length - 1];
    if (prev && from < prev.to) {
      prev.to = Math.max(prev.to, to);
      prev.end = Math.max(prev.end, w.end);
    } else merged.push({ from, to, start: w.start, end: Math.max(w.start, w.end) });
  }
  // Punctuation touching a word belongs to it, as in the engine's own words ("주세요.").
  merged.forEach((m, i) => {
    const floor = merged[i - 1]?.to ?? 0;
    const ceiling = merged[i + 1]?.from ?? text.length;
    while (m.from > floor && /\S/u.test(text[m.from - 1] ?? ' ')) m.from--;
    while (m.to < ceiling && /\S/u.test(text[m.to] ?? ' ')) m.to++;
  });
  return merged.map((m) => ({ text: text.slice(m.from, m.to), start: m.start, end: m.end }));
}
