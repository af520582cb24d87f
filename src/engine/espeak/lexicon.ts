import { findLexiconHits } from '../../text/normalize/lexicon.js';
import type { Language, PhonemeEntry } from '../types.js';
import { ipaToEspeak } from './ipa.js';
import type { TextUnit } from './text.js';

const OPENING = /[\p{Ps}\p{Pi}"'¿¡]/u;

/**
 * A sentence's caption units with the stretches IPA lexicon entries name cut out as units of their
 * own carrying the entry's IPA. Entries match as alias entries do (text/normalize/lexicon.ts):
 * case rules, word edges only against Latin letters and digits, longest first, so a particle may
 * follow (`서울에` → `서울` with its IPA, then `에` read as text) and a grapheme may span words.
 * `plain` splits the text between matches as the engine would without a lexicon.
 */
export function unitsWithPhonemes(
  text: string,
  entries: readonly PhonemeEntry[],
  plain: (text: string) => TextUnit[],
): TextUnit[] {
  const hits = findLexiconHits(
    text,
    entries.map((e) => ({ grapheme: e.grapheme, alias: e.phonemes, caseSensitive: e.caseSensitive })),
  );
  if (hits.length === 0) return plain(text);
  const units: TextUnit[] = [];
  let at = 0;
  for (const hit of hits) {
    // Punctuation touching the match goes with it, as it would with a word read as text.
    let start = hit.start;
    let end = hit.end;
    while (start > at && OPENING.test(text[start - 1]!)) start--;
    while (end < text.length && /\p{P}/u.test(text[end]!)) end++;
    units.push(...plain(text.slice(at, start)));
    const written = text.slice(start, end);
    units.push({ source: written, speak: written, ipa: hit.alias });
    at = end;
  }
  units.push(...plain(text.slice(at)));
  return units;
}

// Punctuation (and spaces) around a unit's word: kept beside the phoneme input, as it phrases.
const LEAD = /^[\p{P}\s]*/u;
const TRAIL = /[\p{P}\s]*$/u;

/**
 * The unit as eSpeak is to say it: an IPA unit's word becomes eSpeak phoneme input, `[[…]]` in the
 * mnemonics of the language's phoneme table, with the punctuation around it kept (a comma after it
 * still pauses). IPA the table cannot say (only lexicons stored before entries were checked can
 * hold it) leaves the word to be read as text.
 */
export function espeakSpeech(unit: TextUnit, lang: Language): TextUnit {
  if (unit.ipa === undefined) return unit;
  const converted = ipaToEspeak(lang, unit.ipa);
  const { ipa: _ipa, ...rest } = unit;
  if (!converted.ok) return rest;
  const lead = LEAD.exec(unit.speak)?.[0] ?? '';
  const trail = TRAIL.exec(unit.speak.slice(lead.length))?.[0] ?? '';
  // eSpeak only starts phoneme input at the start of a word: an opening quote needs a space.
  const open = lead.trim() === '' ? '' : `${lead.trim()} `;
  return { ...rest, speak: `${open}[[${converted.mnemonics}]]${trail}` };
}
