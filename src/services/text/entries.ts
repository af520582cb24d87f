import { errors } from '../../errors.js';
import { ipaToEspeak } from '../../engine/espeak/ipa.js';
import type { Language, LineLexiconEntry } from '../../engine/types.js';
import type { LexiconAlias } from '../../text/normalize/index.js';

/** The longest grapheme, alias or phoneme string of one lexicon entry (UTF-16 units). */
export const LEXICON_ENTRY_CHARS = 256;

/**
 * One pronunciation entry as the API shows it: say `grapheme` as the text `alias`, or as the IPA
 * `phonemes`. Matching ignores case unless `case_sensitive` (Hangul, kana and kanji have no case).
 */
export interface LexiconEntry {
  grapheme: string;
  alias?: string;
  phonemes?: string;
  case_sensitive: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function text(raw: Record<string, unknown>, name: string, at: string): string | undefined {
  const v = raw[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.trim() === '' || v.length > LEXICON_ENTRY_CHARS) {
    throw errors.invalidInput(
      `${at}.${name} must be a non-empty string of at most ${LEXICON_ENTRY_CHARS} characters.`,
      { field: `${at}.${name}` },
    );
  }
  return v;
}

/** Entries from a request, checked for shape and count before anything is stored or applied. */
export function parseEntries(value: unknown, maxEntries: number, field: string): LexiconEntry[] {
  if (!Array.isArray(value)) throw errors.invalidInput(`${field} must be an array of entries.`, { field });
  if (value.length > maxEntries) {
    throw errors.invalidInput(`${field} holds more than ${maxEntries} entries.`, {
      field,
      limit: maxEntries,
    });
  }
  return value.map((raw, i) => {
    const at = `${field}[${i}]`;
    if (!isRecord(raw)) throw errors.invalidInput(`${at} must be an object.`, { field: at });
    const grapheme = text(raw, 'grapheme', at);
    if (grapheme === undefined) {
      throw errors.invalidInput(`${at}.grapheme is required.`, { field: `${at}.grapheme` });
    }
    const alias = text(raw, 'alias', at);
    const phonemes = text(raw, 'phonemes', at);
    if ((alias === undefined) === (phonemes === undefined)) {
      throw errors.invalidInput(`${at} needs exactly one of alias (text) or phonemes (IPA).`, {
        field: `${at}.alias`,
      });
    }
    const cs = raw.case_sensitive;
    if (cs !== undefined && typeof cs !== 'boolean') {
      throw errors.invalidInput(`${at}.case_sensitive must be true or false.`, {
        field: `${at}.case_sensitive`,
      });
    }
    return { grapheme, ...(alias === undefined ? { phonemes } : { alias }), case_sensitive: cs === true };
  });
}

/**
 * IPA entries must hold only symbols the language's voices can say (the table in
 * engine/espeak/ipa-tables.ts, listed in docs/text.md): an unknown one is refused here, naming the
 * entry and the symbols, rather than spelled out or dropped when a line is spoken.
 */
export function checkPhonemes(lang: Language, entries: readonly LexiconEntry[], field: string): void {
  entries.forEach((e, i) => {
    if (e.phonemes === undefined) return;
    const said = ipaToEspeak(lang, e.phonemes);
    if (said.ok) return;
    const at = `${field}[${i}].phonemes`;
    const what =
      said.unknown.length > 0
        ? `holds IPA symbols VoiceReel cannot say in ${lang}: ${said.unknown.map((u) => `"${u}"`).join(', ')} (docs/text.md lists the supported ones)`
        : 'holds no phonemes';
    throw errors.invalidInput(`${at} (grapheme "${e.grapheme}") ${what}.`, {
      field: at,
      grapheme: e.grapheme,
      unsupported: said.unknown,
    });
  });
}

/** Entries as a line is rendered with them (engine/types.ts). */
export function lineEntriesOf(entries: readonly LexiconEntry[]): LineLexiconEntry[] {
  return entries.map((e) => ({
    grapheme: e.grapheme,
    ...(e.alias === undefined ? { phonemes: e.phonemes } : { alias: e.alias }),
    caseSensitive: e.case_sensitive,
  }));
}

/**
 * The entries in the normalizer's form, as synthesis applies them: an IPA entry keeps its grapheme
 * as written (no rule rewrites it), since the phonemes are given to the engine, not as text.
 */
export function aliasesOf(entries: readonly LineLexiconEntry[]): LexiconAlias[] {
  return entries.map((e) => ({
    grapheme: e.grapheme,
    alias: e.alias ?? e.grapheme,
    caseSensitive: e.caseSensitive,
  }));
}
