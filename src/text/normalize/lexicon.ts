import type { LexiconAlias } from './types.js';

export interface LexiconHit {
  start: number;
  end: number;
  alias: string;
}

// Latin letters and digits continue a word, so an entry starting or ending with one only matches
// where the text has a word edge: "AI" must not match inside "MAIL". Hangul, kana and kanji have
// no such edges (particles attach: "VoiceReel은"), so entries in those scripts match anywhere.
const WORD_CHAR = /[\p{Script=Latin}\p{Nd}]/u;

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && ch !== '' && WORD_CHAR.test(ch);
}

function matchesAt(text: string, at: number, entry: LexiconAlias): boolean {
  const { grapheme } = entry;
  const slice = text.slice(at, at + grapheme.length);
  if (slice.length !== grapheme.length) return false;
  const same = entry.caseSensitive ? slice === grapheme : slice.toLowerCase() === grapheme.toLowerCase();
  if (!same) return false;
  const end = at + grapheme.length;
  if (isWordChar(grapheme[0]) && isWordChar(text[at - 1])) return false;
  if (isWordChar(grapheme[grapheme.length - 1]) && isWordChar(text[end])) return false;
  return true;
}

/**
 * Where lexicon entries occur, left to right without overlaps; at one position the longest
 * grapheme wins (and among equals the first entry given). Entries with an empty grapheme never
 * match.
 */
export function findLexiconHits(text: string, entries: readonly LexiconAlias[]): LexiconHit[] {
  const usable = entries
    .map((entry, order) => ({ entry, order }))
    .filter(({ entry }) => entry.grapheme.length > 0)
    .sort((a, b) => b.entry.grapheme.length - a.entry.grapheme.length || a.order - b.order)
    .map(({ entry }) => entry);
  if (usable.length === 0) return [];
  const byFirst = new Map<string, LexiconAlias[]>();
  for (const entry of usable) {
    const key = entry.grapheme.charAt(0).toLowerCase();
    byFirst.set(key, [...(byFirst.get(key) ?? []), entry]);
  }
  const hits: LexiconHit[] = [];
  for (let at = 0; at < text.length;) {
    const candidates = byFirst.get(text.charAt(at).toLowerCase()) ?? [];
    const entry = candidates.find((e) => matchesAt(text, at, e));
    if (entry === undefined) {
      at += 1;
      continue;
    }
    hits.push({ start: at, end: at + entry.grapheme.length, alias: entry.alias });
    at += entry.grapheme.length;
  }
  return hits;
}
