import { beforeAll, describe, expect, it } from 'vitest';
import { type Espeak, loadEspeak } from '../../../src/engine/espeak/module.js';
import { piperPhonemes } from '../../../src/engine/piper/phonemize.js';
import { resolveAppPaths } from '../../../src/runtime/paths.js';

/** eSpeak NG IPA as Piper voices expect it, from the real WASM engine. */
let espeak: Espeak;
beforeAll(async () => {
  espeak = await loadEspeak(resolveAppPaths({}).espeakData);
});

describe('piperPhonemes', () => {
  it('one string per sentence, clause punctuation kept, no separators', () => {
    expect(piperPhonemes(espeak, 'Hello, world. How are you today?', 'en-us')).toEqual([
      'həlˈoʊ, wˈɜːld.',
      'hˌaʊ ɑːɹ juː tədˈeɪ?',
    ]);
  });

  it('text without final punctuation is still one utterance; markup characters are spoken, not parsed', () => {
    const [s] = piperPhonemes(espeak, 'fish & chips <b>', 'en-us');
    expect(s).toBeDefined();
    expect(s).not.toContain('_');
    expect(s!.split(' ').length).toBeGreaterThanOrEqual(3);
  });

  it('leaves synthesis unchanged (the heap is restored around phonemizing)', () => {
    const settings = { voice: 'en-us', rate: 160, pitch: 50, range: 50 };
    const before = espeak.synthesize('Same words.', settings).samples;
    piperPhonemes(espeak, 'Something else entirely, with clauses. And sentences!', 'ko');
    const after = espeak.synthesize('Same words.', settings).samples;
    expect(after).toEqual(before);
  });
});
