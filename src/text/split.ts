import type { Language } from './languages.js';
import { isHangulSyllable } from './script.js';

export { normalizeText } from './clean.js';

// Sentence splitting decides where the engine pauses and where captions break, so a missed
// boundary (a longer sentence) is much cheaper than a false one (a pause after "Mr."). Every
// ambiguous case below therefore leans towards "not a boundary".

/** Always end a sentence: CJK full stops and the fused !?-style marks. */
const FULL_STOPS = new Set([...'。｡！？‼⁇⁈⁉']);
/** ASCII ! and ?: end a sentence when followed by a space (or anything, in Japanese). */
const EXCLAMATIONS = new Set([...'!?']);
/** Periods, ellipsis and the full-width period, which need context to decide. */
const PERIODS = new Set([...'.…．']);
/** Closing quotes and brackets stay with the sentence they close: 「はい。」 / "Stop." */
const CLOSERS = new Set([...'"\'”’」』）)］]｝}】〕〉》»〗〙']);

/** Clause marks that may be followed directly by the next word (CJK) or by a dash. */
const CLAUSE_TIGHT = new Set([...'、，；：､—']);
/** ASCII clause marks count only before whitespace, so "1,000" and "10:30" stay whole. */
const CLAUSE_SPACED = new Set([...',;:']);

/** Abbreviations that are (almost) never sentence-final: titles, "vs.", "Fig. 3", months. */
const ALWAYS_ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'mx', 'messrs', 'dr', 'drs', 'prof', 'st', 'mt', 'ft', 'capt', 'cmdr', 'gen',
  'col', 'lt', 'sgt', 'cpl', 'maj', 'adm', 'rev', 'hon', 'gov', 'sen', 'rep', 'pres', 'supt', 'vs',
  'cf', 'approx', 'dept', 'fig', 'figs', 'vol', 'vols', 'ch', 'chap', 'sec', 'pp', 'esp', 'ca',
  'jan', 'feb', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
]); // prettier-ignore
/** Abbreviations that often end a sentence: a boundary only if a capital letter follows. */
const SOMETIMES_ABBREVIATIONS = new Set([
  'etc', 'inc', 'ltd', 'co', 'corp', 'jr', 'sr', 'al', 'bros', 'llc', 'rd', 'ave', 'blvd',
]); // prettier-ignore

const WHITESPACE = /\s/;
const BLANK_LINE = /\n[^\S\n]*\n/y;
const ONLY_SPACE_LEFT = /\s*$/y;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function isTerminator(ch: string | undefined): boolean {
  return ch !== undefined && (FULL_STOPS.has(ch) || EXCLAMATIONS.has(ch) || PERIODS.has(ch));
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && /[0-9０-９]/.test(ch);
}

function isHangulChar(ch: string | undefined): boolean {
  return ch !== undefined && isHangulSyllable(ch.charCodeAt(0));
}

/** The next word shortly after `from`, skipping spaces and opening quotes/brackets. */
function nextWord(text: string, from: number): string {
  return /[\p{L}\p{N}][\p{L}\p{N}'’]*/u.exec(text.slice(from, from + 32))?.[0] ?? '';
}

/** Is the single period at `dot` (the word before it starts no earlier than `sentenceStart`) an abbreviation? */
function isAbbreviation(text: string, sentenceStart: number, dot: number, next: string): boolean {
  let k = dot;
  while (k > sentenceStart && /[\p{L}\p{N}.'’]/u.test(text[k - 1] ?? '')) k--;
  const token = text.slice(k, dot);
  const lower = token.toLowerCase();
  if (token === '') return false;
  if (ALWAYS_ABBREVIATIONS.has(lower)) return true;
  if (lower === 'no' || lower === 'nos' || lower === 'nr') return isDigit(next[0]);
  // "J. R. R. Tolkien": a lone capital is an initial far more often than a sentence end.
  if (/^\p{Lu}$/u.test(token)) return true;
  // Dotted initialisms: U.S, e.g, i.e, a.m, Ph.D
  if (/^(?:\p{L}{1,2}\.)+\p{L}{1,2}$/u.test(token)) return true;
  if (SOMETIMES_ABBREVIATIONS.has(lower)) return !/^\p{Lu}/u.test(next);
  // A list marker ("1. Preheat the oven") at the very start of a sentence.
  if (/^\d{1,2}$/.test(token) && text.slice(sentenceStart, k).trim() === '') return true;
  return false;
}

/** Does the terminator run text[i..j) end a sentence? */
function endsSentence(text: string, sentenceStart: number, i: number, j: number, lang: Language): boolean {
  const run = text.slice(i, j);
  const after = text[j];
  const spaced = after === undefined || WHITESPACE.test(after);
  if ([...run].some((ch) => FULL_STOPS.has(ch))) return true;
  ONLY_SPACE_LEFT.lastIndex = j;
  if (ONLY_SPACE_LEFT.test(text)) return true;
  const next = nextWord(text, j);
  // Korean writers sometimes omit the space: "했어요.그래서" is still two sentences.
  const hangulJoin = isHangulChar(text[i - 1]) && isHangulChar(after);
  if (run.includes('．')) return !(isDigit(text[i - 1]) && isDigit(after)); // ３．１４ vs 終わり．
  if ([...run].some((ch) => EXCLAMATIONS.has(ch))) return spaced || lang === 'ja' || hangulJoin;
  if (!spaced) return hangulJoin; // 3.14, example.com, U.S.A
  const dots = [...run].filter((ch) => ch === '.').length;
  // An ellipsis only ends the sentence when a new one visibly starts ("Wait... What?"); the
  // pronoun I is capitalized anywhere, so it is no evidence ("Well... I guess so.").
  if (dots >= 2 || run.includes('…')) return /^\p{Lu}/u.test(next) && !/^I(?:$|['’])/.test(next);
  return !isAbbreviation(text, sentenceStart, i, next);
}

/** String offsets where sentences end (exclusive), in order. */
function sentenceEnds(text: string, lang: Language): number[] {
  const ends: number[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      // A blank line is a paragraph break; a single newline is just wrapped text.
      BLANK_LINE.lastIndex = i;
      if (BLANK_LINE.test(text)) {
        ends.push(i);
        start = i;
      }
      continue;
    }
    if (!isTerminator(c)) continue;
    let j = i + 1;
    while (j < text.length && (isTerminator(text[j]) || CLOSERS.has(text[j] ?? ''))) j++;
    if (endsSentence(text, start, i, j, lang)) {
      ends.push(j);
      start = j;
    }
    i = j - 1;
  }
  return ends;
}

type CutTest = (cps: string[], p: number) => boolean;

const clauseCut: CutTest = (cps, p) => {
  const prev = cps[p - 1] ?? '';
  return CLAUSE_TIGHT.has(prev) || (CLAUSE_SPACED.has(prev) && WHITESPACE.test(cps[p] ?? ' '));
};
const spaceCut: CutTest = (cps, p) => WHITESPACE.test(cps[p] ?? '') && !WHITESPACE.test(cps[p - 1] ?? ' ');

/**
 * Split one over-long sentence into pieces of at most maxChars code points: at clause marks
 * if possible, else between words, else between grapheme clusters (so emoji sequences and
 * surrogate pairs stay whole), and only for a single cluster longer than maxChars between
 * code points.
 */
function splitLong(sentence: string, maxChars: number): string[] {
  const cps = Array.from(sentence);
  if (cps.length <= maxChars) return [sentence];

  const utf16At: number[] = [];
  let offset = 0;
  for (const cp of cps) {
    utf16At.push(offset);
    offset += cp.length;
  }
  const clusterStarts = new Set<number>();
  for (const { index } of graphemes.segment(sentence)) clusterStarts.add(index);
  const graphemeCut: CutTest = (_cps, p) => clusterStarts.has(utf16At[p] ?? -1);
  const levels = [clauseCut, spaceCut, graphemeCut];

  // Prefer a break that leaves a reasonably long first piece over a very early clause mark.
  const minPiece = Math.ceil(maxChars * 0.3);
  const findCut = (start: number): number => {
    const limit = start + maxChars;
    for (const floor of [start + minPiece, start + 1]) {
      for (const test of levels) {
        for (let p = limit; p >= floor; p--) if (test(cps, p)) return p;
      }
    }
    return limit;
  };

  const pieces: string[] = [];
  let start = 0;
  while (cps.length - start > maxChars) {
    const cut = findCut(start);
    pieces.push(cps.slice(start, cut).join(''));
    start = cut;
    while (start < cps.length && WHITESPACE.test(cps[start] ?? '')) start++;
  }
  pieces.push(cps.slice(start).join(''));
  return pieces.map((piece) => piece.trim()).filter((piece) => piece !== '');
}

/**
 * Split text into sentences for synthesis and captions. Pieces are trimmed substrings of the
 * input in order (only whitespace between them is dropped) and at most maxChars code points.
 * The input is not normalized here; callers pass normalizeText() output when they want that.
 */
export function splitSentences(text: string, lang: Language, maxChars = 300): string[] {
  const limit = Number.isNaN(maxChars) ? 300 : Math.max(1, Math.floor(maxChars));
  const pieces: string[] = [];
  let start = 0;
  for (const end of [...sentenceEnds(text, lang), text.length]) {
    const sentence = text.slice(start, end).trim();
    start = end;
    if (sentence !== '') pieces.push(...splitLong(sentence, limit));
  }
  return pieces;
}
