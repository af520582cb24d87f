import type { Language } from '../types.js';
import { IPA_TABLES } from './ipa-tables.js';

/** IPA converted to eSpeak's phoneme input, or the symbols it holds that no table entry says. */
export type IpaConversion = { ok: true; mnemonics: string } | { ok: false; unknown: string[] };

const PRIMARY = 'ˈ';
const SECONDARY = 'ˌ';
const LENGTH = /[ː:]/u;
/** Tie bars only group the letters around them (t͡ɕ is tɕ): removed before matching. */
const TIES = /[\u0361\u035C]/gu;
/**
 * Marks that only shade a sound the table already has (narrow transcription: lowered e̞,
 * centralized ä, devoiced ɯ̥, compressed ɯᵝ, non-syllabic, dental, half-long …), syllable breaks,
 * links and Japanese pitch-accent arrows. Skipped when no table entry consumed them, so a
 * language's entry with the mark (Korean k̚, kʰ; English n̩) still wins.
 */
const IGNORED = new Set([
  ...'.‿ˑʰᵝꜜꜛ↓↑',
  ...'\u032F\u0325\u030A\u031E\u031D\u031F\u0320\u032A\u033A\u033B\u0308\u0339\u031C\u0318\u0319\u033D\u031A\u0329',
]);
const COMBINING = /\p{M}/u;

interface CompiledTable {
  symbols: Map<string, string>;
  longest: number;
  length: string;
}

const compiled = new Map<Language, CompiledTable>();

function tableFor(lang: Language): CompiledTable {
  let t = compiled.get(lang);
  if (!t) {
    const source = IPA_TABLES[lang];
    const symbols = new Map(Object.entries(source.symbols).map(([k, v]) => [k.normalize('NFD'), v]));
    const longest = Math.max(...[...symbols.keys()].map((k) => k.length));
    t = { symbols, longest, length: source.length };
    compiled.set(lang, t);
  }
  return t;
}

/**
 * IPA (as a lexicon entry gives it) → the mnemonics eSpeak NG reads inside `[[…]]` for a voice of
 * `lang`. Longest match against the language's table (ipa-tables.ts); ˈ and ˌ become eSpeak's
 * stress marks, whitespace separates words, length marks lengthen where the language's phonemes
 * can. A symbol the table cannot say is reported (all of them, each once) rather than dropped or
 * guessed: eSpeak would otherwise spell it out or silently stop the word there.
 */
export function ipaToEspeak(lang: Language, ipa: string): IpaConversion {
  const table = tableFor(lang);
  const s = ipa.normalize('NFD').replace(TIES, '');
  let out = '';
  let phonemes = 0;
  let afterPhoneme = false;
  const unknown = new Set<string>();
  for (let at = 0; at < s.length;) {
    const ch = s[at]!;
    const hit = longestMatch(table, s, at);
    // A mark the table does not know changes the sound (ẽ is not e): the whole symbol is unknown.
    if (hit && !isMeaningfulMark(s[at + hit.length])) {
      // "|" separates phoneme names: without it k then h would be read as the one phoneme kh.
      out += (afterPhoneme ? '|' : '') + hit.mnemonics;
      afterPhoneme = true;
      phonemes++;
      at += hit.length;
    } else if (/\s/u.test(ch)) {
      if (out !== '' && !out.endsWith(' ')) out += ' ';
      afterPhoneme = false;
      at++;
    } else if (ch === PRIMARY || ch === SECONDARY) {
      out += ch === PRIMARY ? "'" : ',';
      afterPhoneme = false;
      at++;
    } else if (LENGTH.test(ch)) {
      out += table.length;
      at++;
    } else if (IGNORED.has(ch)) {
      at++;
    } else {
      // The symbol with its own marks, as the writer sees it (ẽ, not e and a tilde).
      let end = at + 1;
      while (isMeaningfulMark(s[end])) end++;
      unknown.add(s.slice(at, end).normalize('NFC'));
      at = end;
    }
  }
  if (unknown.size > 0) return { ok: false, unknown: [...unknown] };
  if (phonemes === 0) return { ok: false, unknown: [] };
  return { ok: true, mnemonics: out.trim() };
}

function isMeaningfulMark(ch: string | undefined): boolean {
  return ch !== undefined && COMBINING.test(ch) && !IGNORED.has(ch);
}

function longestMatch(
  table: CompiledTable,
  s: string,
  at: number,
): { mnemonics: string; length: number } | null {
  for (let len = Math.min(table.longest, s.length - at); len > 0; len--) {
    const mnemonics = table.symbols.get(s.slice(at, at + len));
    if (mnemonics !== undefined) return { mnemonics, length: len };
  }
  return null;
}

/** The IPA symbols a language's table says, for documentation and error details. */
export function ipaSymbols(lang: Language): string[] {
  return Object.keys(IPA_TABLES[lang].symbols);
}
