import { beforeAll, describe, expect, it } from 'vitest';
import { type Biquad, highShelf, lowShelf } from '../../../src/audio/biquad.js';
import { meanSpectralCentroid } from '../../../src/audio/centroid.js';
import { decodeAudio } from '../../../src/audio/decode.js';
import { analyzeVoice } from '../../../src/audio/profile.js';
import { resample } from '../../../src/audio/resample.js';
import { MAX_TILT_DB, spectralTilt } from '../../../src/audio/tilt.js';
import type { PcmAudio } from '../../../src/audio/types.js';
import { librivoxPaths, readBytes, rmsOf, sine, whiteNoise } from '../../helpers/audio-fixtures.js';

const FS = 22050;
const TILTS = [-8, -6, -4, -2, 0, 2, 4, 6, 8];

/** |H(e^jw)| of one section in dB at `hz`, from its coefficients. */
function gainDb(c: Biquad, hz: number, fs: number): number {
  const w = (2 * Math.PI * hz) / fs;
  const re = (b0: number, b1: number, b2: number): number => b0 + b1 * Math.cos(w) + b2 * Math.cos(2 * w);
  const im = (b1: number, b2: number): number => -(b1 * Math.sin(w) + b2 * Math.sin(2 * w));
  const num = Math.hypot(re(c.b0, c.b1, c.b2), im(c.b1, c.b2));
  const den = Math.hypot(re(1, c.a1, c.a2), im(c.a1, c.a2));
  return 20 * Math.log10(num / den);
}

/** Measured gain of spectralTilt on a steady sine, skipping the filter's start-up. */
function tiltGainDb(db: number, hz: number): number {
  const x = sine(hz, 1, FS);
  const y = spectralTilt(x, db).samples;
  return 20 * Math.log10(rmsOf(y, FS / 2) / rmsOf(x.samples, FS / 2));
}

/** Pink (−3 dB/octave) noise: Paul Kellet's three-pole approximation driven by white noise. */
function pinkNoise(seconds: number, fs: number): PcmAudio {
  const white = whiteNoise(seconds, fs, -20, 7).samples;
  const out = new Float32Array(white.length);
  let p0 = 0;
  let p1 = 0;
  let p2 = 0;
  for (let i = 0; i < white.length; i++) {
    const w = white[i]!;
    p0 = 0.99765 * p0 + w * 0.099046;
    p1 = 0.963 * p1 + w * 0.2965164;
    p2 = 0.57 * p2 + w * 1.0526913;
    out[i] = (p0 + p1 + p2 + w * 0.1848) * 0.25;
  }
  return { samples: out, sampleRate: fs };
}

const everywhere = (): boolean => true;

function expectIncreasing(values: number[]): void {
  for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThan(values[i - 1]!);
}

describe('shelving biquads (RBJ cookbook, S = 1)', () => {
  it.each([6, -6, 12])('high shelf of %s dB: 0 dB at DC, full gain at Nyquist, half at the corner', (g) => {
    const c = highShelf(48000, 2000, g);
    expect(gainDb(c, 1, 48000)).toBeCloseTo(0, 3);
    expect(gainDb(c, 2000, 48000)).toBeCloseTo(g / 2, 3);
    expect(gainDb(c, 23999, 48000)).toBeCloseTo(g, 2);
  });

  it.each([6, -6, 12])('low shelf of %s dB: full gain at DC, 0 dB at Nyquist, half at the corner', (g) => {
    const c = lowShelf(48000, 300, g);
    expect(gainDb(c, 1, 48000)).toBeCloseTo(g, 2);
    expect(gainDb(c, 300, 48000)).toBeCloseTo(g / 2, 3);
    expect(gainDb(c, 23999, 48000)).toBeCloseTo(0, 3);
  });

  it('rises monotonically across the band without overshoot (S = 1 has no bump)', () => {
    const c = highShelf(FS, 1500, 8);
    let previous = -Infinity;
    for (let hz = 20; hz < FS / 2; hz += 20) {
      const g = gainDb(c, hz, FS);
      expect(g).toBeGreaterThanOrEqual(previous - 1e-9);
      expect(g).toBeLessThanOrEqual(8 + 1e-9);
      previous = g;
    }
  });
});

describe('spectralTilt', () => {
  let speech: PcmAudio;
  beforeAll(async () => {
    speech = await decodeAudio(readBytes(librivoxPaths()[0]!));
  });

  it('returns an exact copy at 0 dB', () => {
    const x = whiteNoise(0.5, FS, -20);
    const y = spectralTilt(x, 0);
    expect(y.samples).not.toBe(x.samples);
    expect(y.sampleRate).toBe(FS);
    expect(Buffer.from(y.samples.buffer).equals(Buffer.from(x.samples.buffer))).toBe(true);
  });

  it('keeps the pivot at unity, lowers lows by db/2 and raises highs by db/2', () => {
    for (const db of [8, -8, 4]) {
      expect(tiltGainDb(db, 1500)).toBeCloseTo(0, 1);
      expect(Math.abs(tiltGainDb(db, 80) + db / 2)).toBeLessThan(0.15);
      expect(Math.abs(tiltGainDb(db, 9000) - db / 2)).toBeLessThan(0.3);
    }
  });

  it(`clamps to ±${MAX_TILT_DB} dB and treats a non-number as 0`, () => {
    const x = whiteNoise(0.3, FS, -20);
    expect(spectralTilt(x, 30).samples).toEqual(spectralTilt(x, MAX_TILT_DB).samples);
    expect(spectralTilt(x, -30).samples).toEqual(spectralTilt(x, -MAX_TILT_DB).samples);
    expect(spectralTilt(x, NaN).samples).toEqual(x.samples);
  });

  it.each([
    // White noise's centroid already sits near a quarter of the sample rate: less room to rise.
    ['white', (): PcmAudio => whiteNoise(2, FS, -20), 0.9, 1.05],
    ['pink', (): PcmAudio => pinkNoise(2, FS), 0.85, 1.15],
  ] as const)(
    'moves the centroid of %s noise up with positive tilt, down with negative, monotonically',
    (_name, make, down, up) => {
      const noise = make();
      const centroids = TILTS.map((db) => meanSpectralCentroid(spectralTilt(noise, db), everywhere));
      expectIncreasing(centroids);
      const flat = centroids[TILTS.indexOf(0)]!;
      expect(centroids[0]! / flat).toBeLessThan(down);
      expect(centroids[centroids.length - 1]! / flat).toBeGreaterThan(up);
    },
  );

  it('moves the brightness of real speech the same way (measured as voice profiles measure it)', () => {
    // LibriVox narrator: 892 Hz at −8 dB, 1188 Hz untilted, 1573 Hz at +8 dB.
    const brightness = TILTS.map((db) => analyzeVoice(spectralTilt(speech, db)).brightness);
    expectIncreasing(brightness);
    const flat = brightness[TILTS.indexOf(0)]!;
    expect(flat).toBeCloseTo(analyzeVoice(speech).brightness, 6);
    expect(brightness[0]! / flat).toBeLessThan(0.85);
    expect(brightness[brightness.length - 1]! / flat).toBeGreaterThan(1.15);
  });

  it('delays by a fraction of a millisecond at most, so word timings still hold', () => {
    // Group delay from the phase slope of the filter's impulse response (a direct DFT at each frequency).
    const impulse = new Float32Array(4096);
    impulse[0] = 1;
    for (const db of [-MAX_TILT_DB, MAX_TILT_DB]) {
      const h = spectralTilt({ samples: impulse, sampleRate: FS }, db).samples;
      const phase = (hz: number): number => {
        let re = 0;
        let im = 0;
        for (let n = 0; n < h.length; n++) {
          re += h[n]! * Math.cos((2 * Math.PI * hz * n) / FS);
          im -= h[n]! * Math.sin((2 * Math.PI * hz * n) / FS);
        }
        return Math.atan2(im, re);
      };
      for (const hz of [50, 200, 500, 1000, 1500, 2500, 5000, 10000]) {
        const delaySeconds = -(phase(hz + 1) - phase(hz - 1)) / (2 * Math.PI * 2);
        expect(Math.abs(delaySeconds)).toBeLessThan(0.0002);
      }
    }
    // On real speech the output lines up with the input: cross-correlation peaks within 2 samples.
    const x = resample(speech, FS).samples;
    for (const db of [-MAX_TILT_DB, MAX_TILT_DB]) {
      const y = spectralTilt({ samples: x, sampleRate: FS }, db).samples;
      let bestLag = 0;
      let best = -Infinity;
      for (let lag = -50; lag <= 50; lag++) {
        let sum = 0;
        for (let i = 50; i < x.length - 50; i++) sum += x[i]! * y[i + lag]!;
        if (sum > best) [best, bestLag] = [sum, lag];
      }
      expect(Math.abs(bestLag)).toBeLessThanOrEqual(2);
    }
  });
});
