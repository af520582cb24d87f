import type { TextUnit } from '../espeak/text.js';
import type { PhonemeEntry } from '../types.js';

// Clause punctuation and quotes around a word are not part of what an entry matches.
const EDGES = /^[\p{P}\s]+|[\p{P}\s]+$/gu;

/**
 * Marks the words that an IPA lexicon entry names, so they are said with the entry's phonemes
 * instead of eSpeak's guess. An entry matches a whole word (punctuation around it aside), ignoring
 * case unless the entry is case-sensitive; the first entry given wins.
 */
export function applyPhonemeEntries(units: TextUnit[], entries: readonly PhonemeEntry[]): TextUnit[] {
  if (entries.length === 0) return units;
  return units.map((u) => {
    const word = u.source.replace(EDGES, '');
    const hit = entries.find((e) =>
      e.caseSensitive === true ? e.grapheme === word : e.grapheme.toLowerCase() === word.toLowerCase(),
    );
    return hit ? { ...u, ipa: hit.phonemes } : u;
  });
}
