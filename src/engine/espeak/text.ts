/**
 * The bridge between the caller's text and eSpeak's input. Each unit is one caption word: `source` is
 * what the caption shows, `speak` is what eSpeak is given (the same text, or kana for Japanese).
 * Building the eSpeak input keeps, for every code point, the unit it came from, so WORD events
 * (which report code-point positions in the input) map back to the caller's words.
 */
export interface TextUnit {
  source: string;
  speak: string;
  /** IPA from a lexicon entry: neural voices say this instead of eSpeak's phonemes for `speak`. */
  ipa?: string;
}

export interface EspeakInput {
  /** SSML-escaped text for eSpeak. */
  text: string;
  /** For each code point of `text`: the unit index, or -1 for separators. */
  owner: Int32Array;
}

// Letters, digits and symbols (%, $, +, emoji): eSpeak says something for each. Bare punctuation
// (dashes, ellipses, quotes) only shapes prosody.
const SPEAKABLE = /[\p{L}\p{N}\p{S}]/u;

/** Whitespace-separated words (Korean eojeol, English words), punctuation kept on its word. */
export function splitWords(text: string): TextUnit[] {
  return text
    .split(/\s+/u)
    .filter((w) => w.length > 0)
    .map((w) => ({ source: w, speak: w }));
}

/**
 * Units with nothing to say (a lone dash, an ellipsis) would get no WORD event and no sound; they are
 * folded into the previous unit, or the next one at the start, so every caption word is spoken.
 */
export function foldUnspeakable(units: TextUnit[]): TextUnit[] {
  const out: TextUnit[] = [];
  let pending: TextUnit | null = null;
  for (const u of units) {
    if (SPEAKABLE.test(u.speak)) {
      if (pending) {
        out.push({ ...u, source: `${pending.source} ${u.source}`, speak: `${pending.speak} ${u.speak}` });
        pending = null;
      } else out.push({ ...u });
      continue;
    }
    const prev = out[out.length - 1];
    if (prev) {
      prev.source += ` ${u.source}`;
      prev.speak += ` ${u.speak}`;
    } else {
      pending = pending
        ? { source: `${pending.source} ${u.source}`, speak: `${pending.speak} ${u.speak}` }
        : { ...u };
    }
  }
  return out; // nothing speakable at all: no units, and the engine renders nothing
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Text as this eSpeak build reads it: it always parses SSML, so &, < and > are escaped. */
export function escapeSsml(text: string): string {
  return text.replace(/[&<>]/g, (ch) => ESCAPES[ch]!);
}

/**
 * Joins units with spaces and escapes SSML metacharacters (this eSpeak build always parses SSML).
 * eSpeak counts positions in the escaped text, so escapes are owned by their unit like the original
 * character.
 */
export function buildEspeakInput(units: TextUnit[]): EspeakInput {
  let text = '';
  const owner: number[] = [];
  units.forEach((u, index) => {
    if (index > 0) {
      text += ' ';
      owner.push(-1);
    }
    for (const ch of u.speak) {
      const out = ESCAPES[ch] ?? ch;
      text += out;
      for (let i = 0; i < [...out].length; i++) owner.push(index);
    }
  });
  return { text, owner: Int32Array.from(owner) };
}

/** Unit that owns code point `charIndex`, looking forward past separators; -1 if none. */
export function unitAt(input: EspeakInput, charIndex: number): number {
  for (let i = Math.max(0, charIndex); i < input.owner.length; i++) {
    const u = input.owner[i] ?? -1;
    if (u >= 0) return u;
  }
  return -1;
}

/** Relative spoken length of a unit, for sharing time among words eSpeak merged into one event. */
export function unitWeight(u: TextUnit): number {
  let n = 0;
  for (const ch of u.speak) if (SPEAKABLE.test(ch)) n++;
  return Math.max(1, n);
}
