import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudio } from '../../../src/audio/decode.js';
import { estimatePitch } from '../../../src/audio/pitch.js';
import type { PcmAudio } from '../../../src/audio/types.js';
import {
  concat,
  espeak,
  librivoxPaths,
  makeTempDir,
  readBytes,
  vowel,
  whiteNoise,
  zeros,
} from '../../helpers/audio-fixtures.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeAll(() => {
  tmp = makeTempDir();
});
afterAll(() => tmp.cleanup());

function voicedValues(f0: Float32Array): number[] {
  return Array.from(f0)
    .filter((v) => v > 0)
    .sort((a, b) => a - b);
}

function medianOf(values: number[]): number {
  return values[Math.floor(values.length / 2)] ?? 0;
}

describe('estimatePitch', () => {
  it.each([
    [110, 16000],
    [220, 16000],
    [110, 44100],
    [220, 22050],
    [330, 48000],
  ])('tracks a %i Hz vowel at %i Hz within 2 %', (f0, rate) => {
    const { f0: track, times } = estimatePitch(vowel(f0, 2, rate));
    const voiced = voicedValues(track);
    expect(voiced.length).toBeGreaterThan(0.9 * track.length);
    expect(Math.abs(medianOf(voiced) / f0 - 1)).toBeLessThan(0.02);
    // Nearly every frame, not just the median, is right (no octave errors).
    const good = voiced.filter((v) => Math.abs(v / f0 - 1) < 0.02).length;
    expect(good).toBeGreaterThan(0.95 * voiced.length);
    // About 10 ms hop, increasing times inside the signal.
    expect(times[1]! - times[0]!).toBeCloseTo(0.01, 3);
    expect(times[times.length - 1]!).toBeLessThan(2);
  });

  it('follows a glide frame by frame', () => {
    // 100 Hz -> 250 Hz linearly over 2 s.
    const at = (t: number) => 100 + 75 * t;
    const { f0, times } = estimatePitch(vowel(at, 2, 16000));
    let checked = 0;
    for (let i = 0; i < f0.length; i++) {
      if (f0[i]! === 0) continue;
      expect(Math.abs(f0[i]! / at(times[i]!) - 1)).toBeLessThan(0.03);
      checked++;
    }
    expect(checked).toBeGreaterThan(0.9 * f0.length);
  });

  it('reports 0 for silence and for noise', () => {
    expect(voicedValues(estimatePitch(zeros(1, 16000)).f0).length).toBe(0);
    const noise = estimatePitch(whiteNoise(2, 16000, -20));
    expect(voicedValues(noise.f0).length).toBeLessThan(0.05 * noise.f0.length);
  });

  it('marks the pause between two vowels unvoiced and keeps the vowels', () => {
    const { f0, times } = estimatePitch(
      concat([vowel(150, 0.5, 16000), zeros(0.5, 16000), vowel(150, 0.5, 16000)]),
    );
    const inPause = Array.from(f0).filter((v, i) => times[i]! > 0.55 && times[i]! < 0.95 && v > 0);
    expect(inPause.length).toBe(0);
    const inVowel = Array.from(f0).filter((v, i) => times[i]! > 0.1 && times[i]! < 0.4 && v > 0);
    expect(inVowel.length).toBeGreaterThan(20);
  });

  it('never reports values outside the requested range', () => {
    const { f0 } = estimatePitch(vowel(300, 1, 16000), { minHz: 60, maxHz: 200 });
    for (const v of voicedValues(f0)) expect(v).toBeLessThanOrEqual(200 * 1.02);
    expect(() => estimatePitch(vowel(100, 0.5, 16000), { minHz: 300, maxHz: 100 })).toThrow(RangeError);
  });

  it('returns empty tracks for clips shorter than one frame', () => {
    const { f0, times } = estimatePitch({ samples: new Float32Array(100), sampleRate: 16000 });
    expect(f0.length).toBe(0);
    expect(times.length).toBe(0);
  });

  it('separates espeak-ng male and female voices', async () => {
    const text = 'The rainbow is a division of white light into many beautiful colors.';
    const median = async (voice: string) =>
      medianOf(
        voicedValues(estimatePitch(await decodeAudio(readBytes(espeak(tmp.dir, voice, voice, text)))).f0),
      );
    const male = await median('en+m3');
    const female = await median('en+f3');
    expect(male).toBeGreaterThan(70);
    expect(male).toBeLessThan(150);
    expect(female).toBeGreaterThan(170);
    expect(female / male).toBeGreaterThan(1.4);
  });

  it('analyses 60 s of 16 kHz speech', async () => {
    const clips: PcmAudio[] = await Promise.all(librivoxPaths().map(async (p) => decodeAudio(readBytes(p))));
    const speech = concat([...clips, ...clips, ...clips]);
    const minute = { samples: speech.samples.subarray(0, 60 * 16000), sampleRate: 16000 };
    const { f0 } = estimatePitch(minute);
    expect(f0.length).toBeGreaterThan(5900);
  });
});
