import { beforeAll, describe, expect, it } from 'vitest';
import { createEspeakEngine, type EspeakEngine } from '../../../src/engine/espeak/engine.js';
import { espeakSpeech } from '../../../src/engine/espeak/lexicon.js';
import { buildEspeakInput } from '../../../src/engine/espeak/text.js';
import type { Language, PhonemeEntry, WordTiming } from '../../../src/engine/types.js';
import { enginePaths } from './assets.js';

/**
 * IPA lexicon entries on the built-in engine: the words they name are given to eSpeak as phoneme
 * input, which eSpeak's own PHONEME events then report back.
 */
let engine: EspeakEngine;
beforeAll(async () => {
  engine = await createEspeakEngine(enginePaths());
});

const VOICE: Record<Language, string> = { en: 'en-us', ko: 'ko', ja: 'ja' };

/** The phonemes eSpeak says for a sentence as the engine hands it over (stress marks dropped). */
function saidFor(lang: Language, text: string, ipa: PhonemeEntry[]): string[] {
  const units = engine.units(lang, text, ipa).map((u) => espeakSpeech(u, lang));
  const input = buildEspeakInput(units).text;
  const out = engine.espeak.synthesize(input, { voice: VOICE[lang], rate: 175, pitch: 50, range: 50 });
  return out.phonemes.map((p) => p.replace(/[ˈˌ]/gu, ''));
}

const lengthOf = (w: WordTiming | undefined) => (w ? w.end - w.start : NaN);

describe('IPA lexicon entries on the built-in eSpeak voices', () => {
  it('cut the matched stretch out as its own unit, matching as alias entries do', () => {
    const nguyen = [{ grapheme: 'Nguyen', phonemes: 'ŋwˈiən' }];
    expect(engine.units('en', 'Nguyen waited, at "nguyen".', nguyen).map((u) => [u.source, u.ipa])).toEqual([
      ['Nguyen', 'ŋwˈiən'],
      ['waited,', undefined],
      ['at', undefined],
      ['"nguyen".', 'ŋwˈiən'],
    ]);
    // A particle may follow a Korean grapheme; a Latin one needs word edges; graphemes may span words.
    const ko = engine.units('ko', '서울에 갔다.', [{ grapheme: '서울', phonemes: 'sʰʌul' }]);
    expect(ko.map((u) => [u.source, u.ipa])).toEqual([
      ['서울', 'sʰʌul'],
      ['에', undefined],
      ['갔다.', undefined],
    ]);
    expect(engine.units('en', 'MAIL me', [{ grapheme: 'AI', phonemes: 'eɪaɪ' }])[0]?.ipa).toBeUndefined();
    const ny = engine.units('en', 'I love New York.', [{ grapheme: 'new york', phonemes: 'nuː jˈɔːɹk' }]);
    expect(ny.map((u) => u.source)).toEqual(['I', 'love', 'New York.']);
    const ja = engine.units('ja', '東京に行きます。', [{ grapheme: '東京', phonemes: 'toːkʲoː' }]);
    expect(ja.map((u) => [u.source, u.ipa])).toEqual([
      ['東京', 'toːkʲoː'],
      ['に', undefined],
      ['行きます。', undefined],
    ]);
  });

  it('make eSpeak say the entry’s phonemes, not its reading of the word', () => {
    const guessed = saidFor('en', 'Nguyen waited.', []);
    const given = saidFor('en', 'Nguyen waited.', [{ grapheme: 'Nguyen', phonemes: 'ɡwˈɛn' }]);
    expect(given.slice(0, 4)).toEqual(['ɡ', 'w', 'ɛ', 'n']);
    expect(guessed.slice(0, 4)).not.toEqual(given.slice(0, 4));
    // The rest of the sentence is eSpeak's own reading either way.
    expect(given.slice(4)).toEqual(guessed.slice(guessed.length - given.length + 4));

    expect(saidFor('ko', '서울에 갔다.', [{ grapheme: '서울', phonemes: 'sʰʌˈuɫ' }]).slice(0, 5)).toEqual([
      's',
      'ʌ',
      'u',
      'ɫ',
      'e',
    ]);
    expect(saidFor('ja', '東京に行きます。', [{ grapheme: '東京', phonemes: 'tokʲo' }]).slice(0, 6)).toEqual([
      't',
      'o̞',
      'k',
      'ʲ',
      'o̞',
      'n',
    ]);
  });

  it('say the words long or short as their phonemes are, and keep the caption words', async () => {
    const speak = (phonemes: string) =>
      engine.speak({
        text: 'Nguyen waited, at last.',
        lang: 'en',
        profile: null,
        ipa: [{ grapheme: 'Nguyen', phonemes }],
      });
    const short = await speak('ˈŋa');
    const long = await speak('ˈŋa ŋa ŋa ŋa ŋa ŋa ŋa ŋa');
    for (const r of [short, long]) {
      expect(r.words.map((w) => w.text)).toEqual(['Nguyen', 'waited,', 'at', 'last.']);
    }
    expect(lengthOf(long.words[0]) / lengthOf(short.words[0])).toBeGreaterThan(4);
    expect(lengthOf(long.words[1])).toBeCloseTo(lengthOf(short.words[1]), 1);
  });

  it('leave a word to be read as text when its IPA has a symbol eSpeak cannot say', () => {
    const [unit] = engine.units('en', 'Nguyen', [{ grapheme: 'Nguyen', phonemes: 'ʁy' }]);
    expect(espeakSpeech(unit!, 'en')).toEqual({ source: 'Nguyen', speak: 'Nguyen' });
    expect(espeakSpeech({ source: '"Nguyen",', speak: '"Nguyen",', ipa: 'ŋwiən' }, 'en').speak).toBe(
      '" [[N|w|i@|n]]",',
    );
  });
});
