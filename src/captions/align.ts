/** Where a word the engine reported sits in the caption text, as string offsets [from, to). */
export interface TextSpan {
  from: number;
  to: number;
}

/**
 * How far past the previous match (in letters/digits) a word may be found. Engines spell some
 * words differently from the script ("3" is spoken as "three"), so unmatched words are
 * skipped; the slack stops a short word like "the" from latching onto a far later "the".
 */
const SLACK = 32;

function key(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * Locate each engine word in the text, in order, comparing letters and digits only (case,
 * punctuation and spacing differ freely between the two). Words that cannot be found are
 * undefined; the caller falls back to interpolating times for them.
 */
export function alignWords(
  text: string,
  words: ReadonlyArray<{ text: string }>,
): Array<TextSpan | undefined> {
  // The text's letters/digits as one string, remembering the source span of each UTF-16 unit.
  let letters = '';
  const from: number[] = [];
  const to: number[] = [];
  let offset = 0;
  for (const ch of text) {
    const k = key(ch);
    letters += k;
    for (let u = 0; u < k.length; u++) {
      from.push(offset);
      to.push(offset + ch.length);
    }
    offset += ch.length;
  }

  let cursor = 0;
  return words.map((word) => {
    const k = key(word.text);
    if (k === '') return undefined;
    const at = letters.indexOf(k, cursor);
    if (at === -1 || at - cursor > SLACK) return undefined;
    cursor = at + k.length;
    return { from: from[at] ?? 0, to: to[at + k.length - 1] ?? text.length };
  });
}
