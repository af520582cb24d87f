import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { biquadFilter } from '../../../src/audio/biquad.js';
import { decodeAudio } from '../../../src/audio/decode.js';
import { encodeWav } from '../../../src/audio/encode.js';
import { limitPeaks } from '../../../src/audio/limiter.js';
import {
  integratedLoudness,
  kWeightingFilters,
  normalizeLoudness,
  peakDb,
} from '../../../src/audio/loudness.js';
import type { PcmAudio } from '../../../src/audio/types.js';
import {
  concat,
  espeak,
  ffmpegIntegratedLoudness,
  librivoxPaths,
  makeTempDir,
  peakOf,
  readBytes,
  sine,
  whiteNoise,
  zeros,
} from '../../helpers/audio-fixtures.js';

let tmp: ReturnType<typeof makeTempDir>;
let speech: PcmAudio[];
beforeAll(async () => {
  tmp = makeTempDir();
  speech = await Promise.all(librivoxPaths().map(async (p) => decodeAudio(readBytes(p))));
});
afterAll(() => tmp.cleanup());

/** ffmpeg's measurement of our audio, via a float WAV (sox converts, so 16-bit rounding plays no part). */
function ffmpegLoudnessOf(audio: PcmAudio, name: string): number {
  const path = join(tmp.dir, `${name}.wav`);
  writeFileSync(path, encodeWav(audio));
  return ffmpegIntegratedLoudness(path);
}

describe('kWeightingFilters', () => {
  it('reproduces the BS.1770-4 coefficient table at 48 kHz', () => {
    const [shelf, hp] = kWeightingFilters(48000);
    expect(shelf.b0).toBeCloseTo(1.53512485958697, 7);
    expect(shelf.b1).toBeCloseTo(-2.69169618940638, 7);
    expect(shelf.b2).toBeCloseTo(1.19839281085285, 7);
    expect(shelf.a1).toBeCloseTo(-1.69065929318241, 7);
    expect(shelf.a2).toBeCloseTo(0.73248077421585, 7);
    expect([hp.b0, hp.b1, hp.b2]).toEqual([1, -2, 1]);
    expect(hp.a1).toBeCloseTo(-1.99004745483398, 7);
    expect(hp.a2).toBeCloseTo(0.99007225036621, 7);
  });

  it('has the same response at other rates: ~+4 dB shelf at 6 kHz, deep cut at 20 Hz', () => {
    for (const rate of [16000, 22050, 44100]) {
      const gainAt = (f: number) => {
        const x = sine(f, 1, rate, 0.5);
        const [a, b] = kWeightingFilters(rate);
        const y = biquadFilter(biquadFilter(x.samples, a), b);
        return 20 * Math.log10(peakOf(y.subarray(rate / 2)) / 0.5);
      };
      expect(gainAt(6000)).toBeGreaterThan(3.3);
      expect(gainAt(6000)).toBeLessThan(4.3);
      expect(Math.abs(gainAt(500))).toBeLessThan(0.3);
      expect(gainAt(20)).toBeLessThan(-8);
    }
  });
});

describe('integratedLoudness', () => {
  it('measures a 0 dBFS 997 Hz sine at 48 kHz as -3.01 LUFS, as ffmpeg does', () => {
    const tone = sine(997, 5, 48000, 1);
    expect(integratedLoudness(tone)).toBeCloseTo(-3.01, 1);
    expect(
      Math.abs(integratedLoudness(tone) - ffmpegLoudnessOf(sine(997, 5, 48000, 0.999), 'sine0')),
    ).toBeLessThan(0.5);
  });

  it('tracks level at other sample rates (1 kHz at -20 dBFS peak is about -23 LUFS)', () => {
    for (const rate of [8000, 16000, 22050, 44100]) {
      const l = integratedLoudness(sine(1000, 3, rate, 0.1));
      expect(l, `${rate} Hz`).toBeGreaterThan(-23.3);
      expect(l, `${rate} Hz`).toBeLessThan(-22.7);
    }
  });

  it('agrees with ffmpeg ebur128 within 0.5 LU on real speech (LibriVox, 16 kHz)', () => {
    for (const [i, path] of librivoxPaths().entries()) {
      const ours = integratedLoudness(speech[i]!);
      expect(Math.abs(ours - ffmpegIntegratedLoudness(path)), path).toBeLessThan(0.5);
    }
  });

  it('agrees with ffmpeg on espeak-ng speech (22.05 kHz) and on speech with long pauses', async () => {
    const voice = await decodeAudio(
      readBytes(
        espeak(
          tmp.dir,
          'speech',
          'en',
          'Loudness is measured over gated blocks of four hundred milliseconds.',
        ),
      ),
    );
    expect(Math.abs(integratedLoudness(voice) - ffmpegLoudnessOf(voice, 'espeak'))).toBeLessThan(0.5);
    // Pauses: digital silence falls under the absolute gate, a faint noise bed under the relative gate.
    const paused = concat([speech[0]!, zeros(8, 16000), speech[1]!, whiteNoise(6, 16000, -60), speech[2]!]);
    expect(Math.abs(integratedLoudness(paused) - ffmpegLoudnessOf(paused, 'paused'))).toBeLessThan(0.5);
    const plain = integratedLoudness(concat([speech[0]!, speech[1]!, speech[2]!]));
    expect(Math.abs(integratedLoudness(paused) - plain)).toBeLessThan(0.5);
  });

  it('is -Infinity for silence and for noise under the -70 LUFS gate, finite for short clips', () => {
    expect(integratedLoudness(zeros(3, 16000))).toBe(-Infinity);
    expect(integratedLoudness({ samples: new Float32Array(0), sampleRate: 16000 })).toBe(-Infinity);
    expect(integratedLoudness(whiteNoise(3, 16000, -85))).toBe(-Infinity);
    // Shorter than one 400 ms block: measured as a single block.
    const short = integratedLoudness(sine(1000, 0.2, 16000, 0.5));
    expect(short).toBeGreaterThan(-9.5);
    expect(short).toBeLessThan(-8.5);
  });
});

describe('peakDb', () => {
  it('reports sample peak in dBFS', () => {
    expect(peakDb(sine(1000, 0.1, 48000, 0.5))).toBeCloseTo(-6.02, 2);
    expect(peakDb(zeros(0.1, 48000))).toBe(-Infinity);
  });
});

describe('normalizeLoudness', () => {
  it('brings speech to the target and keeps peaks under the ceiling', () => {
    for (const clip of speech) {
      const out = normalizeLoudness(clip, -16, -1);
      expect(Math.abs(integratedLoudness(out) - -16)).toBeLessThan(0.3);
      expect(peakDb(out)).toBeLessThanOrEqual(-1 + 1e-4);
      expect(out.samples.length).toBe(clip.samples.length);
    }
    const quiet = normalizeLoudness(speech[3]!, -30, -1);
    expect(integratedLoudness(quiet)).toBeCloseTo(-30, 1);
  });

  it('limits a peaky signal rather than leaving it short of the target', () => {
    // A quiet tone with a few full-scale clicks: plain gain would either clip or miss the target.
    const x = sine(300, 4, 16000, 0.05);
    for (const at of [0.5, 1.7, 3.1]) x.samples[Math.round(at * 16000)] = 0.9;
    const out = normalizeLoudness(x, -16, -1);
    expect(peakDb(out)).toBeLessThanOrEqual(-1 + 1e-4);
    expect(Math.abs(integratedLoudness(out) - -16)).toBeLessThan(0.5);
    // The tone away from the clicks is untouched by the limiter (gain is the same everywhere else).
    const ratioA = out.samples[4000 + 13]! / x.samples[4000 + 13]!;
    const ratioB = out.samples[40000 + 13]! / x.samples[40000 + 13]!;
    expect(ratioA).toBeCloseTo(ratioB, 3);
  });

  it('leaves silence alone and never modifies its input', () => {
    const silent = zeros(1, 16000);
    expect(peakOf(normalizeLoudness(silent).samples)).toBe(0);
    const clip = speech[1]!;
    const before = clip.samples.slice();
    normalizeLoudness(clip, -10);
    expect(clip.samples).toEqual(before);
  });
});

describe('limitPeaks', () => {
  it('holds every sample under the ceiling with a smooth gain curve', () => {
    const x = concat([sine(200, 1, 16000, 0.3), sine(200, 0.05, 16000, 1), sine(200, 1, 16000, 0.3)]);
    const out = limitPeaks(x, -6);
    expect(peakOf(out.samples)).toBeLessThanOrEqual(Math.pow(10, -6 / 20) + 1e-6);
    // Far from the loud burst the signal is unchanged.
    for (const i of [1000, 32000]) expect(out.samples[i]).toBeCloseTo(x.samples[i]!, 6);
    // Gain changes gradually: no step larger than a few percent between adjacent samples.
    let maxStep = 0;
    let prevGain = 1;
    for (let i = 0; i < x.samples.length; i++) {
      if (Math.abs(x.samples[i]!) < 0.05) continue;
      const g = out.samples[i]! / x.samples[i]!;
      maxStep = Math.max(maxStep, Math.abs(g - prevGain));
      prevGain = g;
    }
    expect(maxStep).toBeLessThan(0.05);
  });

  it('limits in place, sample for sample as into a new buffer, for programs too long to copy', () => {
    const x = concat([sine(200, 1, 16000, 0.3), sine(200, 0.05, 16000, 1), sine(200, 1, 16000, 0.3)]);
    const copy = limitPeaks(x, -6).samples;
    const input = x.samples.slice();
    const inPlace = limitPeaks({ samples: input, sampleRate: 16000 }, -6, { inPlace: true }).samples;
    expect(inPlace).toBe(input);
    expect(inPlace).toEqual(copy);
  });
});
