import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ipaSymbols, ipaToEspeak } from '../../../src/engine/espeak/ipa.js';
import { type Espeak, loadEspeak } from '../../../src/engine/espeak/module.js';
import type { Language } from '../../../src/engine/types.js';
import { enginePaths } from './assets.js';

/**
 * IPA → eSpeak phoneme input. Checked against the real eSpeak: what it says for the converted input
 * is read back from its PHONEME events (IPA), so a wrong or missing mnemonic shows up as a
 * different phoneme (eSpeak spells out or drops what its table does not know).
 */
const VOICE: Record<Language, string> = { en: 'en-us', ko: 'ko', ja: 'ja' };
let espeak: Espeak;

beforeAll(async () => {
  espeak = await loadEspeak(enginePaths().espeakData);
});

const said = (lang: Language, input: string): string[] =>
  espeak.synthesize(input, { voice: VOICE[lang], rate: 175, pitch: 50, range: 50 }).phonemes;
const unstressed = (phonemes: string[]) => phonemes.map((p) => p.replace(/[ˈˌ]/gu, ''));

function mnemonics(lang: Language, ipa: string): string {
  const c = ipaToEspeak(lang, ipa);
  if (!c.ok) throw new Error(`${ipa}: ${c.unknown.join(' ')}`);
  return c.mnemonics;
}

describe('ipaToEspeak', () => {
  it('maps each language’s IPA onto the mnemonics of its eSpeak phoneme table', () => {
    expect(mnemonics('en', 'ŋwˈiən')).toBe("N|w'i@|n");
    expect(mnemonics('en', 'həlˈoʊ wˈɜːld')).toBe("h|@|l'oU w'3:|l|d");
    expect(mnemonics('en', 'ˈθɪŋkɪŋ ðə kˈɑːɹ')).toBe("'T|I|N|k|I|N D|@ k'A@");
    expect(mnemonics('en', 'd͡ʒʌdʒ')).toBe('dZ|V|dZ'); // tie bars only group
    expect(mnemonics('ko', 'k͈atɕʰi')).toBe('q-|a|tSh|i');
    expect(mnemonics('ko', 'kʰʌpʰi')).toBe('kh|@|ph|i');
    // "|" keeps two phonemes apart that eSpeak would otherwise read as one (k h is not kʰ).
    expect(mnemonics('ko', 'kh')).toBe('k|h');
    expect(mnemonics('ko', 't͈ʌk̚p͈ok͈i')).toBe('t-|@|q|p-|o|q-|i');
    expect(mnemonics('ko', 'sʰʌːul')).toBe('s|@:|u|l');
    expect(mnemonics('ja', 'toːkʲoː')).toBe('t|o:|k|_j|o:');
    expect(mnemonics('ja', 'tɕiɕa ɸɯʑi')).toBe('t_s\\|i|s\\|a p\\|u|z;|i');
    // Narrow marks eSpeak itself writes (ä, e̞, o̞, ɯᵝ) and pitch accents are read as the plain vowel.
    expect(mnemonics('ja', 'ɾˈä me̞ꜜ ɯᵝ')).toBe("r`'a m|e u");
  });

  it('every symbol it supports is listed in docs/text.md', () => {
    const doc = readFileSync('docs/text.md', 'utf8');
    for (const lang of ['en', 'ko', 'ja'] as const) {
      const row = doc.split('\n').find((l) => l.startsWith(`| ${lang} `) && l.includes('`p b t d k')) ?? '';
      // ʲ, ʷ and g are listed once for all languages.
      const missing = ipaSymbols(lang).filter((s) => !['ʲ', 'ʷ', 'g'].includes(s) && !row.includes(s));
      expect(missing, lang).toEqual([]);
    }
  });

  it('reports every symbol it cannot say, once each and as written, and refuses an empty reading', () => {
    expect(ipaToEspeak('en', 'bɔ̃ʒuʁ ʁy')).toEqual({ ok: false, unknown: ['ʁ', 'y'] });
    expect(ipaToEspeak('ja', 'ẽ')).toEqual({ ok: false, unknown: ['ẽ'] });
    expect(ipaToEspeak('ko', "ka'")).toEqual({ ok: false, unknown: ["'"] });
    expect(ipaToEspeak('en', 'ˈ . ')).toEqual({ ok: false, unknown: [] });
    // Korean has y (ㅟ) and ø (ㅚ), English does not.
    expect(ipaToEspeak('ko', 'y').ok).toBe(true);
    expect(ipaToEspeak('en', 'y').ok).toBe(false);
  });
});

/** What eSpeak reports for a table symbol where that is not the symbol itself (nearest sounds). */
const SAID_AS: Record<Language, Record<string, string>> = {
  en: {
    g: 'ɡ',
    ɦ: 'h',
    ɫ: 'l',
    ɹ: 'r',
    ɻ: 'r',
    ʲ: '',
    ʷ: 'w',
    ɨ: 'ᵻ',
    a: 'æ',
    ɐ: 'æ', // stressed; unstressed eSpeak says ɐ
    ɑ: 'ɑː',
    ɒ: 'ɑː',
    o: 'oː',
    əʊ: 'oʊ',
    ɜ: 'ɜː',
    ɝ: 'ɜː',
    u: 'uː',
    ʉ: 'uː',
    ɪə: 'iə',
    eə: 'ɛɹ',
    ɛə: 'ɛɹ',
    ʊə: 'ʊɹ',
    aʊə: 'aɪʊ\uFFFD', // eSpeak's own (8-byte) name for aU@
    ɑɹ: 'ɑːɹ',
    ɔɹ: 'ɔːɹ',
    oːɹ: 'ɔːɹ',
    oɹ: 'ɔːɹ',
    eɹ: 'ɛɹ',
    iɹ: 'ɪɹ',
    uɹ: 'ʊɹ',
  },
  ko: {
    g: 'ɡ',
    kʰ: 'kh',
    pʰ: 'ph',
    tʰ: 'th',
    k͈: 'q-',
    'k*': 'q-',
    t͈: 't-',
    't*': 't-',
    p͈: 'p-',
    'p*': 'p-',
    s͈: 's-',
    's*': 's-',
    ɕ͈: 's-',
    k̚: 'q',
    t̚: 'd-',
    p̚: 'p',
    tɕʰ: 'tʃh',
    tɕ͈: 'tɕ',
    t͈ɕ: 'tɕ',
    'tɕ*': 'tɕ',
    tʃʰ: 'tʃh',
    sʰ: 's',
    ɕʰ: 'ɕ',
    ɦ: 'h',
    ɸ: 'h',
    ɥ: 'w',
    ʲ: '',
    ʷ: 'w',
    a: 'ɐ',
    ə: 'ʌ',
    ɨ: 'ɯ',
    ɰ: 'ɯ',
    æ: 'ɛ',
    ø: 'we',
    y: 'wi',
  },
  ja: {
    g: 'ɡ',
    ɾ: 'ɽ',
    r: 'ɽ',
    ɰ: 'w',
    ʷ: 'w',
    ɰ̃: 'ɴ',
    a: 'ä',
    u: 'ɯᵝ',
    ɯ: 'ɯᵝ',
    e: 'e̞',
    o: 'o̞',
    ɯ̃: 'ũ',
  },
};

describe('eSpeak says each table symbol as its phoneme', () => {
  it.each(['en', 'ko', 'ja'] as const)('%s', (lang) => {
    const wrong: string[] = [];
    for (const symbol of ipaSymbols(lang)) {
      const got = unstressed(said(lang, `[[${mnemonics(lang, `ˈ${symbol}`)}]]`)).join('');
      const want = SAID_AS[lang][symbol] ?? symbol;
      if (got !== want) wrong.push(`${symbol}: said ${got}, expected ${want}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('IPA as eSpeak writes it comes back as the same phonemes', () => {
  /** eSpeak's IPA for a text, as Piper and Kokoro voices get it (separators removed). */
  const ipaOf = (lang: Language, text: string) =>
    espeak.ipa(text, VOICE[lang]).replace(/_/g, '').replace(/\s+/g, ' ').trim();

  it.each([
    ['en', 'Hello world, thinking about the cars and judges.'],
    ['en', 'Her pure voice reached the tower quietly.'],
    ['ja', 'とうきょうに いきます'],
    ['ja', 'しんぶんを よみました'],
  ] as const)('%s: %s', (lang, text) => {
    const ipa = ipaOf(lang, text.replace(/[.,]/g, ''));
    expect(said(lang, `[[${mnemonics(lang, ipa)}]]`)).toEqual(said(lang, text.replace(/[.,]/g, '')));
  });

  it('ko: Korean IPA as dictionaries write it gives the phonemes eSpeak reads the Hangul with', () => {
    const words: Array<[string, string]> = [
      ['사랑', 'saɾaŋ'],
      ['빵', 'p͈aŋ'],
      ['까치', 'k͈atɕʰi'],
      ['쌀', 's͈aɫ'],
      ['커피', 'kʰʌpʰi'],
      ['토끼', 'tʰok͈i'],
      ['노래', 'noɾɛ'],
      ['짜장면', 't͈ɕadʑaŋmjʌn'],
    ];
    for (const [hangul, ipa] of words) {
      expect(unstressed(said('ko', `[[${mnemonics('ko', ipa)}]]`)), hangul).toEqual(
        unstressed(said('ko', hangul)),
      );
    }
  });
});
