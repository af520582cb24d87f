import { describe, expect, it } from 'vitest';
import { applyGain, concatAudio, durationOf, rmsDb, silence } from '../../../src/audio/dsp.js';
import { fft, nextPowerOfTwo } from '../../../src/audio/fft.js';
import { median, percentile } from '../../../src/audio/stats.js';
import { rng, sine } from '../../helpers/audio-fixtures.js';

describe('dsp helpers', () => {
  it('silence has the rounded sample count and only zeros', () => {
    const s = silence(0.25, 22050);
    expect(s.sampleRate).toBe(22050);
    expect(s.samples.length).toBe(Math.round(0.25 * 22050));
    expect(s.samples.every((v) => v === 0)).toBe(true);
    expect(silence(0, 8000).samples.length).toBe(0);
    expect(() => silence(-1, 8000)).toThrow(RangeError);
    expect(() => silence(1, 0)).toThrow(RangeError);
  });

  it('concatAudio joins in order and refuses mixed rates', () => {
    const a = { samples: new Float32Array([1, 2]), sampleRate: 8000 };
    const b = { samples: new Float32Array([3]), sampleRate: 8000 };
    const joined = concatAudio([a, b, a]);
    expect(Array.from(joined.samples)).toEqual([1, 2, 3, 1, 2]);
    expect(joined.sampleRate).toBe(8000);
    expect(() => concatAudio([a, { samples: new Float32Array(1), sampleRate: 16000 }])).toThrow(
      /sample rates/,
    );
    expect(() => concatAudio([])).toThrow(RangeError);
  });

  it('applyGain scales by dB and leaves its input alone', () => {
    const x = sine(100, 0.1, 8000, 0.25);
    const y = applyGain(x, 20 * Math.log10(2));
    expect(y.samples[17]).toBeCloseTo(2 * x.samples[17]!, 6);
    expect(applyGain(x, -6.0206).samples[17]).toBeCloseTo(x.samples[17]! / 2, 4);
    expect(x.samples[17]).toBeCloseTo(0.25 * Math.sin((2 * Math.PI * 100 * 17) / 8000), 6);
  });

  it('rmsDb: full-scale sine is -3.01 dB, silence and empty are -Infinity', () => {
    expect(rmsDb(sine(1000, 1, 48000, 1).samples)).toBeCloseTo(-3.0103, 3);
    expect(rmsDb(new Float32Array([0.5, -0.5]))).toBeCloseTo(-6.0206, 3);
    expect(rmsDb(new Float32Array(10))).toBe(-Infinity);
    expect(rmsDb(new Float32Array(0))).toBe(-Infinity);
  });

  it('durationOf is samples over rate', () => {
    expect(durationOf({ samples: new Float32Array(24000), sampleRate: 48000 })).toBe(0.5);
  });
});

describe('fft', () => {
  it('matches a direct DFT', () => {
    const rand = rng(7);
    const n = 64;
    const re = Float64Array.from({ length: n }, () => rand() - 0.5);
    const im = Float64Array.from({ length: n }, () => rand() - 0.5);
    const expRe = new Float64Array(n);
    const expIm = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      for (let t = 0; t < n; t++) {
        const w = (-2 * Math.PI * k * t) / n;
        expRe[k] = expRe[k]! + re[t]! * Math.cos(w) - im[t]! * Math.sin(w);
        expIm[k] = expIm[k]! + re[t]! * Math.sin(w) + im[t]! * Math.cos(w);
      }
    }
    fft(re, im);
    for (let k = 0; k < n; k++) {
      expect(re[k]).toBeCloseTo(expRe[k]!, 9);
      expect(im[k]).toBeCloseTo(expIm[k]!, 9);
    }
  });

  it('rejects lengths that are not powers of two', () => {
    expect(() => fft(new Float64Array(12), new Float64Array(12))).toThrow(RangeError);
    expect(nextPowerOfTwo(513)).toBe(1024);
    expect(nextPowerOfTwo(512)).toBe(512);
  });
});

describe('percentile', () => {
  it('interpolates between ranks', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10, 0, 5], 0)).toBe(0);
    expect(percentile([10, 0, 5], 100)).toBe(10);
    expect(percentile([0, 10], 10)).toBeCloseTo(1, 12);
    expect(median([3, 1, 2])).toBe(2);
    expect(Number.isNaN(percentile([], 50))).toBe(true);
  });
});
