import { describe, expect, it } from 'vitest';
import { fft } from '../../../src/audio/fft.js';
import { resample } from '../../../src/audio/resample.js';
import type { PcmAudio } from '../../../src/audio/types.js';
import { chirp, rmsOf, sine, toneAmplitude, whiteNoise } from '../../helpers/audio-fixtures.js';

const db = (ratio: number) => 20 * Math.log10(ratio);

/** Frequency of the strongest bin of a Hann-windowed power-of-two slice, refined by parabolic interpolation. */
function dominantFrequency(audio: PcmAudio, from: number, size = 8192): number {
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let i = 0; i < size; i++)
    re[i] = audio.samples[from + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size));
  fft(re, im);
  const mag = (k: number) => Math.hypot(re[k]!, im[k]!);
  let best = 1;
  for (let k = 1; k < size / 2; k++) if (mag(k) > mag(best)) best = k;
  const [a, b, c] = [Math.log(mag(best - 1)), Math.log(mag(best)), Math.log(mag(best + 1))];
  return ((best + (0.5 * (a - c)) / (a - 2 * b + c)) * audio.sampleRate) / size;
}

function zeroCrossingFrequency(x: Float32Array, rate: number, from: number, to: number): number {
  let crossings = 0;
  for (let i = from + 1; i < to; i++) if (x[i - 1]! < 0 && x[i]! >= 0) crossings++;
  return (crossings * rate) / (to - from);
}

describe('resample', () => {
  const pairs: [number, number][] = [
    [22050, 48000],
    [22050, 8000],
    [16000, 22050],
    [44100, 16000],
    [48000, 44100],
    [24000, 16000],
    [44101, 48000], // no small rational ratio: exercises the interpolated-table path
  ];

  it.each(pairs)('%i -> %i keeps a 1 kHz tone at 1 kHz and within 0.2 dB', (from, to) => {
    const out = resample(sine(1000, 1, from, 0.5), to);
    expect(out.sampleRate).toBe(to);
    expect(out.samples.length).toBe(to);
    // Away from the edges, where the zero-padded signal ends.
    const a = Math.round(0.1 * to);
    const b = Math.round(0.9 * to);
    expect(Math.abs(db(toneAmplitude(out.samples, to, 1000, a, b) / 0.5))).toBeLessThan(0.2);
    expect(dominantFrequency(out, a, 4096)).toBeCloseTo(1000, 0);
    expect(zeroCrossingFrequency(out.samples, to, a, b)).toBeGreaterThan(995);
    expect(zeroCrossingFrequency(out.samples, to, a, b)).toBeLessThan(1005);
  });

  it('is flat across the passband (within 0.2 dB up to 80 % of the lower Nyquist)', () => {
    for (const [from, to] of [
      [44100, 16000],
      [22050, 48000],
      [16000, 22050],
    ] as const) {
      const nyquist = Math.min(from, to) / 2;
      for (const f of [60, 0.3 * nyquist, 0.6 * nyquist, 0.8 * nyquist]) {
        const out = resample(sine(f, 0.5, from, 0.5), to);
        const gain = toneAmplitude(out.samples, to, f, Math.round(0.1 * to), Math.round(0.4 * to)) / 0.5;
        expect(Math.abs(db(gain)), `${from}->${to} at ${f.toFixed(0)} Hz`).toBeLessThan(0.2);
      }
    }
  });

  it('suppresses aliasing: a 10 kHz tone resampled 44100 -> 16000 comes out more than 60 dB down', () => {
    const out = resample(sine(10000, 1, 44100, 0.5), 16000);
    const level = db(rmsOf(out.samples, 1600, 14400) / (0.5 / Math.SQRT2));
    expect(level).toBeLessThan(-60);
  });

  it('removes content above the new Nyquist from a full-band chirp while keeping the rest', () => {
    // Sweep 100 Hz..11 kHz at 22050, down to 8000: the part above 4 kHz must vanish, not fold back.
    const input = chirp(100, 11000, 2, 22050, 0.5);
    const out = resample(input, 8000);
    // The sweep passes 4 kHz at t = (4000 - 100) / 10900 * 2 = 0.716 s; look well after the transition.
    const late = rmsOf(out.samples, Math.round(1.0 * 8000), Math.round(1.95 * 8000));
    const early = rmsOf(out.samples, Math.round(0.1 * 8000), Math.round(0.6 * 8000));
    expect(db(early / (0.5 / Math.SQRT2))).toBeGreaterThan(-0.5);
    expect(db(late / (0.5 / Math.SQRT2))).toBeLessThan(-60);
  });

  it('produces round(n * to / from) samples', () => {
    for (const [from, to, n] of [
      [22050, 48000, 12345],
      [48000, 8000, 1001],
      [16000, 22050, 1],
      [44101, 48000, 777],
    ] as const) {
      expect(resample({ samples: new Float32Array(n), sampleRate: from }, to).samples.length).toBe(
        Math.round((n * to) / from),
      );
    }
  });

  it('does not shift timing: an impulse lands at the same time in the output', () => {
    for (const [from, to] of [
      [22050, 48000],
      [48000, 16000],
      [16000, 22050],
    ] as const) {
      const x = new Float32Array(from);
      const at = 0.3;
      x[Math.round(at * from)] = 1;
      const out = resample({ samples: x, sampleRate: from }, to);
      let peak = 0;
      for (let i = 0; i < out.samples.length; i++) if (out.samples[i]! > out.samples[peak]!) peak = i;
      const expected = (Math.round(at * from) / from) * to;
      expect(Math.abs(peak - expected)).toBeLessThanOrEqual(0.5 + 1e-9);
      // Zero phase: the response is symmetric around the peak.
      const skew = out.samples[peak - 3]! - out.samples[peak + 3]!;
      expect(Math.abs(skew)).toBeLessThan(0.25 * out.samples[peak]!);
    }
  });

  it('returns a copy when the rates are equal', () => {
    const input = whiteNoise(0.1, 16000, -20);
    const out = resample(input, 16000);
    expect(out.samples).not.toBe(input.samples);
    expect(Array.from(out.samples)).toEqual(Array.from(input.samples));
  });

  it('handles empty input and rejects invalid rates', () => {
    expect(resample({ samples: new Float32Array(0), sampleRate: 22050 }, 48000).samples.length).toBe(0);
    expect(() => resample(sine(100, 0.1, 16000), 0)).toThrow(RangeError);
    expect(() => resample(sine(100, 0.1, 16000), 22050.5)).toThrow(RangeError);
  });

  it('resamples 30 s of 22050 Hz audio to 48 kHz', () => {
    const input = whiteNoise(30, 22050, -20);
    const out = resample(input, 48000);
    expect(out.samples.length).toBe(30 * 48000);
  });
});
