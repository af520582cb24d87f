import type { Espeak } from '../espeak/module.js';
import { escapeSsml, type TextUnit } from '../espeak/text.js';

/** A caption word and the code points of the phoneme string that say it ([from, to)). */
export interface PhonemeWord {
  text: string;
  from: number;
  to: number;
}

/** What one model call is given: the phoneme string (as code points) and which word owns which. */
export interface PhonemeChunk {
  symbols: string[];
  words: PhonemeWord[];
  /** Code point indices just after clause punctuation: the preferred places to cut a long chunk. */
  clauseEnds: number[];
}

const CLAUSE_PUNCT = /[.,;:!?。、！？]+$/u;
const PUNCT_ASCII: Record<string, string> = { '。': '.', '、': ',', '！': '!', '？': '?' };

/**
 * eSpeak NG IPA the way Piper and Kokoro voices were trained on it (piper-phonemize, kokoro-onnx):
 * one utterance per sentence, each clause's punctuation kept after its phonemes (the voices have
 * ids for it and pause on it). eSpeak drops punctuation in IPA mode, so clauses are phonemized one
 * by one; its phoneme separator "_" (Piper's PAD symbol) is removed.
 *
 * Word ownership, for caption timings: eSpeak writes one space-separated group per word, so when the
 * counts agree each group is its word's. When eSpeak joins or splits words (numbers, "of the"), the
 * clause's phonemes are shared out in proportion to each word phonemized alone.
 */
export function phonemizeUnits(
  espeak: Espeak,
  units: readonly TextUnit[],
  voice: string,
  form: 'NFD' | 'NFC',
): PhonemeChunk {
  const symbols: string[] = [];
  const words: PhonemeWord[] = [];
  const clauseEnds: number[] = [];
  const ipa = (text: string) =>
    espeak
      .ipa(escapeSsml(text), voice)
      .replace(/_/g, '')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .join(' ')
      .normalize(form);

  let clause: TextUnit[] = [];
  // A clause's words, as runs eSpeak phonemizes together, broken by words a lexicon gives IPA for.
  const phonemizeRuns = (): boolean => {
    let any = false;
    const runs: TextUnit[][] = [];
    for (const u of clause) {
      const last = runs[runs.length - 1];
      if (u.ipa === undefined && last && last[0]?.ipa === undefined) last.push(u);
      else runs.push([u]);
    }
    for (const run of runs) {
      const given = run[0]?.ipa;
      const spoken = run.map((u) => u.speak.replace(CLAUSE_PUNCT, '')).filter((s) => s.trim());
      const phon =
        given !== undefined ? given.normalize(form) : spoken.length > 0 ? ipa(spoken.join(' ')) : '';
      if (!phon) continue;
      if (symbols.length > 0) symbols.push(' ');
      const start = symbols.length;
      symbols.push(...phon);
      words.push(
        ...(given !== undefined
          ? [{ text: run[0]!.source, from: start, to: symbols.length }]
          : ownWords(run, phon, start, ipa)),
      );
      any = true;
    }
    return any;
  };
  const flush = (punct: string) => {
    if (clause.length === 0) return;
    if (phonemizeRuns()) {
      const p = PUNCT_ASCII[punct[0] ?? ''] ?? punct[0];
      if (p) symbols.push(p);
      clauseEnds.push(symbols.length);
    } else if (words.length > 0) {
      // Nothing speakable: the words still appear in captions, sharing the previous word's end.
      const at = words[words.length - 1]!.to;
      for (const u of clause) words.push({ text: u.source, from: at, to: at });
    }
    clause = [];
  };
  for (const u of units) {
    clause.push(u);
    const punct = CLAUSE_PUNCT.exec(u.speak)?.[0];
    if (punct) flush(punct);
  }
  flush('');
  return { symbols, words, clauseEnds };
}

function ownWords(
  clause: readonly TextUnit[],
  phon: string,
  start: number,
  ipa: (text: string) => string,
): PhonemeWord[] {
  const groups = phon.split(' ');
  const out: PhonemeWord[] = [];
  if (groups.length === clause.length) {
    let at = start;
    clause.forEach((u, i) => {
      const len = [...groups[i]!].length;
      out.push({ text: u.source, from: at, to: at + len });
      at += len + 1;
    });
    return out;
  }
  const weights = clause.map((u) => Math.max(1, [...ipa(u.speak.replace(CLAUSE_PUNCT, ''))].length));
  const total = weights.reduce((a, b) => a + b, 0);
  const length = [...phon].length;
  let acc = 0;
  clause.forEach((u, i) => {
    const from = start + Math.round((acc / total) * length);
    acc += weights[i]!;
    out.push({ text: u.source, from, to: start + Math.round((acc / total) * length) });
  });
  return out;
}

/**
 * Splits a chunk so no piece has more than `max` symbols (Kokoro: 510 tokens per call). Cuts fall
 * after clause punctuation when one is in reach, else between words, else (a single huge word)
 * anywhere.
 */
export function splitChunk(chunk: PhonemeChunk, max: number): PhonemeChunk[] {
  if (chunk.symbols.length <= max) return [chunk];
  const out: PhonemeChunk[] = [];
  let begin = 0;
  while (chunk.symbols.length - begin > max) {
    const limit = begin + max;
    const clauseCut = [...chunk.clauseEnds].reverse().find((c) => c > begin && c <= limit);
    const wordCut = chunk.words
      .map((w) => w.from)
      .filter((f) => f > begin && f <= limit)
      .pop();
    const cut = clauseCut ?? wordCut ?? limit;
    out.push(slice(chunk, begin, cut));
    begin = cut;
    while (chunk.symbols[begin] === ' ') begin++;
  }
  out.push(slice(chunk, begin, chunk.symbols.length));
  return out.filter((c) => c.symbols.length > 0);
}

function slice(chunk: PhonemeChunk, from: number, to: number): PhonemeChunk {
  let end = to;
  while (end > from && chunk.symbols[end - 1] === ' ') end--;
  return {
    symbols: chunk.symbols.slice(from, end),
    words: chunk.words
      .filter((w) => w.from >= from && w.from < to)
      .map((w) => ({ text: w.text, from: w.from - from, to: Math.min(w.to, end) - from })),
    clauseEnds: chunk.clauseEnds.filter((c) => c > from && c <= end).map((c) => c - from),
  };
}
