import type { Language } from '../text/languages.js';
import { normalizeText } from '../text/clean.js';
import { guessLanguage } from '../text/script.js';
import { splitSentences } from '../text/split.js';
import { alignWords, type TextSpan } from './align.js';
import { toMilliseconds } from './timestamp.js';
import type { CaptionUnit, WordTiming } from './types.js';

/** One script line as rendered into the mixed file. */
export interface CaptionLine {
  speakerId: string;
  speakerName?: string;
  text: string;
  /** Where this line's speech is in the mixed file, seconds. */
  placement: { start: number; end: number };
  /** The engine's word timings, seconds from the start of this line's own audio. */
  words: WordTiming[];
  /** Seconds in the mixed file where this line's audio begins (added to every word time). */
  wordsOffset: number;
  /** Used to find sentence boundaries when a line must be split; guessed from the text if absent. */
  lang?: Language;
}

export interface CaptionLimits {
  /** A cue longer than this many characters (code points) is split. */
  maxChars?: number;
  /** A cue longer than this many seconds is split. */
  maxSeconds?: number;
}

// Readability limits: about two to three subtitle lines, and no longer on screen than a viewer
// can comfortably follow. One cue per script line is simplest to read; these catch monologues.
export const MAX_CUE_CHARS = 120;
export const MAX_CUE_SECONDS = 10;

interface MsWord {
  text: string;
  start: number;
  end: number;
  span: TextSpan | undefined;
}

interface Chunk extends TextSpan {
  start: number;
  end: number;
}

const codePoints = (text: string): number => Array.from(text).length;

/** Interpolated speech time (ms) at any text offset, from the aligned words' times. */
function timeline(textLength: number, words: readonly MsWord[], startMs: number, endMs: number) {
  const points: Array<[number, number]> = [[0, startMs]];
  for (const w of words) {
    if (w.span) points.push([w.span.from, w.start], [w.span.to, w.end]);
  }
  points.push([textLength, endMs]);
  points.sort((a, b) => a[0] - b[0]);
  // Engines occasionally report overlapping words; keep time non-decreasing along the text.
  let floor = startMs;
  for (const p of points) p[1] = floor = Math.min(endMs, Math.max(floor, p[1]));
  return (pos: number): number => {
    let i = 1;
    while (i < points.length - 1 && (points[i]?.[0] ?? 0) < pos) i++;
    const [x0, t0] = points[i - 1] ?? [0, startMs];
    const [x1, t1] = points[i] ?? [textLength, endMs];
    return x1 <= x0 ? t1 : t0 + ((t1 - t0) * (pos - x0)) / (x1 - x0);
  };
}

/** Trim whitespace off a span of `text`; undefined if nothing is left. */
function trimSpan(text: string, from: number, to: number): TextSpan | undefined {
  while (from < to && /\s/.test(text[from] ?? '')) from++;
  while (to > from && /\s/.test(text[to - 1] ?? '')) to--;
  return from < to ? { from, to } : undefined;
}

/**
 * Split one line's text into cues of at most maxChars code points and maxMs, at sentence
 * boundaries first and word boundaries (found from the word timings) otherwise. Returns chunks
 * in text order with provisional times; the caller makes them contiguous and in range.
 */
function chunkLine(
  text: string,
  lang: Language,
  words: readonly MsWord[],
  startMs: number,
  endMs: number,
  maxChars: number,
  maxMs: number,
): Chunk[] {
  const timeAt = timeline(text.length, words, startMs, endMs);
  const timesOf = (span: TextSpan): Chunk => {
    const inside = words.filter((w) => w.span && w.span.from >= span.from && w.span.from < span.to);
    const first = inside[0];
    const last = inside[inside.length - 1];
    return {
      ...span,
      start: first ? first.start : timeAt(span.from),
      end: last ? last.end : timeAt(span.to),
    };
  };
  const duration = (span: TextSpan): number => {
    const t = timesOf(span);
    return t.end - t.start;
  };

  const positions = (span: TextSpan, ok: (p: number) => boolean): number[] => {
    const out: number[] = [];
    for (let p = span.from + 1; p < span.to; p++) if (ok(p)) out.push(p);
    return out;
  };
  const hiragana = (ch: string | undefined) => /\p{Script=Hiragana}/u.test(ch ?? '');
  // Cut candidates, best first: after a clause mark, between spaced words, before an engine
  // word, after hiragana before another script (a rough Japanese phrase edge, e.g. after a
  // particle), and finally between any two characters (not inside a surrogate pair or before
  // a combining mark).
  const tiers: Array<(span: TextSpan) => number[]> = [
    // ASCII marks only before a space, so "1,000" and "10:30" are never cut.
    (s) =>
      positions(s, (p) => /[、，；：]/.test(text[p - 1] ?? '') || /[,;:]\s/.test(text.slice(p - 1, p + 1))),
    (s) => positions(s, (p) => /\s/.test(text[p - 1] ?? '') && !/\s/.test(text[p] ?? ' ')),
    (s) => words.flatMap((w) => (w.span && w.span.from > s.from && w.span.from < s.to ? [w.span.from] : [])),
    (s) =>
      positions(s, (p) => hiragana(text[p - 1]) && !hiragana(text[p]) && /[\p{L}\p{N}]/u.test(text[p] ?? '')),
    (s) => positions(s, (p) => !/[\uDC00-\uDFFF\p{M}]/u.test(text[p] ?? '')),
  ];

  const subdivide = (span: TextSpan): TextSpan[] => {
    const t = timesOf(span);
    if (t.end - t.start <= maxMs) return [span];
    const mid = (t.start + t.end) / 2;
    let best: number | undefined;
    for (const tier of tiers) {
      const sorted = tier(span).sort((a, b) => Math.abs(timeAt(a) - mid) - Math.abs(timeAt(b) - mid));
      const candidate = sorted[0];
      if (candidate === undefined) continue;
      best ??= candidate;
      // Take the best kind of cut that lies in the middle half of the span's time; if no kind
      // does, the best kind that exists at all (its cut nearest the middle).
      if (Math.abs(timeAt(candidate) - mid) <= (t.end - t.start) / 4) {
        best = candidate;
        break;
      }
    }
    if (best === undefined) return [span];
    const left = trimSpan(text, span.from, best);
    const right = trimSpan(text, best, span.to);
    return [...(left ? subdivide(left) : []), ...(right ? subdivide(right) : [])];
  };

  // Sentences (each already at most maxChars), split further when too long to read in time.
  const pieces: TextSpan[] = [];
  let cursor = 0;
  for (const sentence of splitSentences(text, lang, maxChars)) {
    const from = text.indexOf(sentence, cursor);
    cursor = from + sentence.length;
    pieces.push(...subdivide({ from, to: cursor }));
  }

  // Merge neighbours back together while the result still fits both limits.
  const merged: TextSpan[] = [];
  for (const piece of pieces) {
    const prev = merged[merged.length - 1];
    const joined = prev && { from: prev.from, to: piece.to };
    if (
      prev &&
      joined &&
      codePoints(text.slice(joined.from, joined.to)) <= maxChars &&
      duration(joined) <= maxMs
    ) {
      merged[merged.length - 1] = joined;
    } else {
      merged.push(piece);
    }
  }
  return merged.map(timesOf);
}

/**
 * Make chunk times contiguous-safe: in order, non-overlapping, at least 1 ms each, the first
 * starting and the last ending exactly at the line's placement. Needs endMs - startMs >= n.
 */
function settle(chunks: Chunk[], startMs: number, endMs: number): void {
  const n = chunks.length;
  let prevEnd = startMs;
  chunks.forEach((chunk, i) => {
    const start = i === 0 ? startMs : Math.round(chunk.start);
    chunk.start = Math.min(Math.max(start, prevEnd), endMs - (n - i));
    const end = i === n - 1 ? endMs : Math.round(chunk.end);
    chunk.end = Math.min(Math.max(end, chunk.start + 1), endMs - (n - i - 1));
    prevEnd = chunk.end;
  });
}

function clampWord(word: MsWord, start: number, end: number): WordTiming {
  const s = Math.min(Math.max(word.start, start), end);
  const e = Math.min(Math.max(word.end, s), end);
  return { text: word.text, start: s / 1000, end: e / 1000 };
}

function lineUnits(line: CaptionLine, maxChars: number, maxMs: number): CaptionUnit[] {
  const text = normalizeText(line.text);
  const startMs = toMilliseconds(line.placement.start);
  const endMs = Math.max(toMilliseconds(line.placement.end), startMs + 1);
  const offset = Number.isFinite(line.wordsOffset) ? line.wordsOffset : 0;
  const shifted = line.words.map((w) => ({
    text: w.text,
    start: toMilliseconds(w.start + offset),
    end: toMilliseconds(w.end + offset),
  }));
  const spans = alignWords(text, shifted);
  const words: MsWord[] = shifted.map((w, i) => ({ ...w, span: spans[i] }));

  const unit = (chunkText: string, start: number, end: number, chunkWords: MsWord[]): CaptionUnit => ({
    start: start / 1000,
    end: end / 1000,
    speaker: line.speakerId,
    ...(line.speakerName === undefined ? {} : { speaker_name: line.speakerName }),
    text: chunkText,
    ...(line.words.length === 0 ? {} : { words: chunkWords.map((w) => clampWord(w, start, end)) }),
  });

  const fits = codePoints(text) <= maxChars && endMs - startMs <= maxMs;
  const chunks = fits
    ? []
    : chunkLine(text, line.lang ?? guessLanguage(text), words, startMs, endMs, maxChars, maxMs);
  if (chunks.length <= 1 || endMs - startMs < chunks.length) return [unit(text, startMs, endMs, words)];

  settle(chunks, startMs, endMs);
  // Words go to the chunk holding their text; unmatched ones to the chunk playing at their start.
  const owner = (w: MsWord): number => {
    const at = w.span?.from;
    const byText = at === undefined ? -1 : chunks.findIndex((c) => at >= c.from && at < c.to);
    if (byText !== -1) return byText;
    let byTime = 0;
    chunks.forEach((c, i) => {
      if (c.start <= w.start) byTime = i;
    });
    return byTime;
  };
  const owners = words.map(owner);
  return chunks.map((c, i) =>
    unit(
      text.slice(c.from, c.to),
      c.start,
      c.end,
      words.filter((_, j) => owners[j] === i),
    ),
  );
}

/**
 * Caption units for a rendered script: one per line, timed to where the line is heard in the
 * mixed file (rounded to ms), with word times moved into mixed-file time and clamped into their
 * unit. A line longer than maxChars (120) or maxSeconds (10 s) becomes several units, split at
 * sentence and then word boundaries using the word timings. Units come back in script order.
 */
export function buildCaptionUnits(lines: readonly CaptionLine[], limits: CaptionLimits = {}): CaptionUnit[] {
  const maxChars = Math.max(1, Math.floor(limits.maxChars ?? MAX_CUE_CHARS));
  const maxMs = Math.max(1, Math.round((limits.maxSeconds ?? MAX_CUE_SECONDS) * 1000));
  return lines.flatMap((line) => lineUnits(line, maxChars, maxMs));
}
