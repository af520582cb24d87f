import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudio } from '../../../src/audio/decode.js';
import { analyzeVoice } from '../../../src/audio/profile.js';
import { resample } from '../../../src/audio/resample.js';
import type { PcmAudio } from '../../../src/audio/types.js';
import { detectSpeech } from '../../../src/audio/vad.js';
import {
  concat,
  espeak,
  librivoxPaths,
  makeTempDir,
  readBytes,
  syllableTrain,
  vowel,
  whiteNoise,
  zeros,
} from '../../helpers/audio-fixtures.js';

let tmp: ReturnType<typeof makeTempDir>;
let clips: PcmAudio[];
beforeAll(async () => {
  tmp = makeTempDir();
  clips = await Promise.all(librivoxPaths().map(async (p) => decodeAudio(readBytes(p))));
});
afterAll(() => tmp.cleanup());

/** Syllables in the LibriVox transcripts, counted by hand (in file order). */
const LIBRIVOX_SYLLABLES = [30, 9, 20, 27, 13];

/** Real recordings start and end with a pause; detectSpeech needs those quiet frames to find its floor. */
function padded(audio: PcmAudio): PcmAudio {
  return concat([zeros(0.5, audio.sampleRate), audio, zeros(0.5, audio.sampleRate)]);
}

describe('analyzeVoice', () => {
  it.each([3, 4.5, 6])('counts %s syllables per second in a synthetic syllable train', (rate) => {
    const profile = analyzeVoice(syllableTrain(rate, 8, 16000));
    expect(Math.abs(profile.syllableRate / rate - 1)).toBeLessThan(0.1);
  });

  it('measures median f0 and the p10-p90 spread in semitones', () => {
    // A glide from 100 to 200 Hz: p10 = 110 Hz, p90 = 190 Hz, spread 12 * log2(190 / 110) = 9.46 st.
    // The 0.5 s pauses shift the glide's time axis but not its f0 distribution.
    const glide = analyzeVoice(padded(vowel((t) => 100 + 50 * t, 2, 16000)));
    expect(glide.medianF0).toBeGreaterThan(145);
    expect(glide.medianF0).toBeLessThan(155);
    expect(Math.abs(glide.f0RangeSemitones - 9.46)).toBeLessThan(0.6);
    const steady = analyzeVoice(padded(vowel(180, 2, 16000)));
    expect(steady.medianF0).toBeCloseTo(180, -1);
    expect(steady.f0RangeSemitones).toBeLessThan(0.3);
  });

  it('tells espeak-ng male and female voices apart', async () => {
    const text = 'Please call Stella. Ask her to bring these things with her from the store.';
    const male = analyzeVoice(await decodeAudio(readBytes(espeak(tmp.dir, 'm3', 'en+m3', text))));
    const female = analyzeVoice(await decodeAudio(readBytes(espeak(tmp.dir, 'f3', 'en+f3', text))));
    expect(male.gender).toBe('male');
    expect(female.gender).toBe('female');
    expect(female.medianF0 / male.medianF0).toBeGreaterThan(1.4);
    for (const p of [male, female]) {
      // 17 written syllables; espeak speaks at roughly 3-5 per second.
      expect(p.syllableRate).toBeGreaterThan(2.5);
      expect(p.syllableRate).toBeLessThan(6);
      expect(p.brightness).toBeGreaterThan(500);
      expect(p.brightness).toBeLessThan(4000);
    }
  });

  it('profiles the LibriVox narrator as a male voice with a plausible speaking rate', () => {
    let counted = 0;
    for (const clip of clips) {
      const p = analyzeVoice(clip);
      expect(p.gender).toBe('male');
      expect(p.medianF0).toBeGreaterThan(75);
      expect(p.medianF0).toBeLessThan(140);
      expect(p.f0RangeSemitones).toBeGreaterThan(2);
      expect(p.f0RangeSemitones).toBeLessThan(15);
      counted += p.syllableRate * detectSpeech(clip).speechSeconds;
    }
    // Acoustic nuclei undercount running speech a little (reduced syllables merge), never wildly.
    const truth = LIBRIVOX_SYLLABLES.reduce((a, b) => a + b, 0);
    expect(counted / truth).toBeGreaterThan(0.65);
    expect(counted / truth).toBeLessThan(1.15);
  });

  it('reports brighter spectra for vowels with higher formants', () => {
    const dark = analyzeVoice(
      padded(
        vowel(120, 2, 16000, 0.5, [
          [300, 80],
          [800, 100],
          [2300, 150],
        ]),
      ),
    );
    const bright = analyzeVoice(
      padded(
        vowel(120, 2, 16000, 0.5, [
          [800, 100],
          [2200, 120],
          [3300, 150],
        ]),
      ),
    );
    expect(bright.brightness).toBeGreaterThan(dark.brightness * 1.3);
  });

  it('gives the same answers for the same voice at different sample rates', () => {
    const v16 = concat([zeros(0.3, 16000), syllableTrain(4, 5, 16000, 150), zeros(0.3, 16000)]);
    const v48 = resample(v16, 48000);
    const a = analyzeVoice(v16);
    const b = analyzeVoice(v48);
    expect(Math.abs(b.medianF0 / a.medianF0 - 1)).toBeLessThan(0.01);
    expect(Math.abs(b.brightness / a.brightness - 1)).toBeLessThan(0.05);
    expect(Math.abs(b.syllableRate - a.syllableRate)).toBeLessThan(0.3);
  });

  it('measures only inside the given speech regions', () => {
    const audio = concat([vowel(120, 1.5, 16000), vowel(240, 1.5, 16000)]);
    expect(analyzeVoice(audio, [{ start: 0, end: 1.5 }]).medianF0).toBeCloseTo(120, -1);
    expect(analyzeVoice(audio, [{ start: 1.5, end: 3 }]).medianF0).toBeCloseTo(240, -1);
  });

  it("says 'unknown' for silence, noise and clips with too little voicing", () => {
    for (const audio of [zeros(3, 16000), whiteNoise(3, 16000, -30), vowel(200, 0.3, 16000)]) {
      const p = analyzeVoice(audio);
      expect(p.gender).toBe('unknown');
      for (const v of Object.values(p)) if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
    }
  });
});
