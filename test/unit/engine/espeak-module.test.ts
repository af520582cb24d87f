import { describe, expect, it } from 'vitest';
import { ESPEAK_SAMPLE_RATE, loadEspeak } from '../../../src/engine/espeak/module.js';
import { enginePaths } from './assets.js';

const settings = (voice: string) => ({ voice, rate: 175, pitch: 50, range: 50 });

describe('eSpeak WASM module', () => {
  it('loads from an explicit data path, once per thread', async () => {
    const { espeakData } = enginePaths();
    const a = await loadEspeak(espeakData);
    expect(await loadEspeak(espeakData)).toBe(a);
    expect(a.sampleRate).toBe(ESPEAK_SAMPLE_RATE);
    expect(a.voiceNames()).toEqual(expect.arrayContaining(['gmw/en-US', 'ko', 'jpx/ja']));
  });

  it('names the missing file when the data path is wrong', async () => {
    await expect(loadEspeak('/nonexistent/espeak-ng.data')).rejects.toThrow(/nonexistent/);
  });

  it('reports WORD events at 1-based code-point positions, which the wrapper makes 0-based', async () => {
    const espeak = await loadEspeak(enginePaths().espeakData);
    // Hangul syllables are 3 bytes in UTF-8 but one position each: positions are not bytes.
    const ko = '저는 학생입니다 그리고 선생님도';
    const out = espeak.synthesize(ko, settings('ko'));
    const cps = [...ko];
    const words = out.words.map((w) => cps.slice(w.charIndex, w.charIndex + w.charLength).join(''));
    expect(words).toEqual(['저는', '학생입니다', '그리고', '선생님도']);
    // An astral-plane emoji counts as one position too (a surrogate pair in JS strings).
    const en = espeak.synthesize('I saw 😀 it', settings('en-us'));
    const last = en.words[en.words.length - 1]!;
    expect([...'I saw 😀 it'].slice(last.charIndex, last.charIndex + last.charLength).join('')).toBe('it');
  });

  it('returns samples at 22050 Hz with word events at increasing sample positions', async () => {
    const espeak = await loadEspeak(enginePaths().espeakData);
    const out = espeak.synthesize('Hello there, how are you today?', settings('en-us'));
    expect(out.samples.length / ESPEAK_SAMPLE_RATE).toBeGreaterThan(1);
    expect(out.samples.length / ESPEAK_SAMPLE_RATE).toBeLessThan(4);
    expect(out.words).toHaveLength(6);
    for (let i = 1; i < out.words.length; i++) {
      expect(out.words[i]!.sample).toBeGreaterThan(out.words[i - 1]!.sample);
    }
    expect(out.words[5]!.sample).toBeLessThan(out.samples.length);
  });

  it('rejects an unknown voice instead of speaking with the previous one', async () => {
    const espeak = await loadEspeak(enginePaths().espeakData);
    expect(() => espeak.synthesize('x', settings('no-such-voice'))).toThrow(/no-such-voice/);
  });
});
