import type { Biquad } from './biquad.js';
import { biquadFilter } from './biquad.js';
import { applyGain, gainToDb } from './dsp.js';
import { sumOfSquares } from './frames.js';
import { limitPeaks } from './limiter.js';
import type { PcmAudio } from './types.js';

/**
 * The two K-weighting stages of ITU-R BS.1770-4 for any sample rate. The standard only tabulates
 * 48 kHz coefficients; these come from the analog prototypes behind that table (a +4 dB high shelf
 * around 1.68 kHz and a 38 Hz second-order high-pass) mapped with a pre-warped bilinear transform,
 * which reproduces the 48 kHz table to about 1e-8.
 */
export function kWeightingFilters(sampleRate: number): [Biquad, Biquad] {
  const shelfF0 = 1681.974450955533;
  const shelfGainDb = 3.999843853973347;
  const shelfQ = 0.7071752369554196;
  let k = Math.tan((Math.PI * shelfF0) / sampleRate);
  const vh = Math.pow(10, shelfGainDb / 20);
  const vb = Math.pow(vh, 0.4996667741545416);
  let a0 = 1 + k / shelfQ + k * k;
  const shelf: Biquad = {
    b0: (vh + (vb * k) / shelfQ + k * k) / a0,
    b1: (2 * (k * k - vh)) / a0,
    b2: (vh - (vb * k) / shelfQ + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / shelfQ + k * k) / a0,
  };
  const hpF0 = 38.13547087602444;
  const hpQ = 0.5003270373238773;
  k = Math.tan((Math.PI * hpF0) / sampleRate);
  a0 = 1 + k / hpQ + k * k;
  // BS.1770 leaves this stage's numerator unnormalised (1, -2, 1); the gain error is < 0.01 dB.
  const highPass: Biquad = {
    b0: 1,
    b1: -2,
    b2: 1,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / hpQ + k * k) / a0,
  };
  return [shelf, highPass];
}

const ABSOLUTE_GATE = -70;
const RELATIVE_GATE = -10;

/**
 * Integrated loudness in LUFS (BS.1770-4: 400 ms blocks with 75 % overlap, -70 LUFS absolute gate,
 * -10 LU relative gate). A clip shorter than one block is measured as a single block over its whole
 * length, so short segments still get a usable figure. -Infinity for silence.
 */
export function integratedLoudness(audio: PcmAudio): number {
  const n = audio.samples.length;
  if (n === 0) return -Infinity;
  const [shelf, hp] = kWeightingFilters(audio.sampleRate);
  const y = biquadFilter(biquadFilter(audio.samples, shelf), hp);

  // Blocks are four 100 ms steps long, so each step's energy is summed once and shared by the four
  // overlapping blocks that contain it (memory stays per step, not per sample).
  const hop = Math.round(0.1 * audio.sampleRate);
  const blockLen = 4 * hop;
  const blocks: number[] = [];
  if (n < blockLen) {
    blocks.push(sumOfSquares(y, 0, n) / n);
  } else {
    const steps = Math.floor(n / hop);
    const stepEnergy = new Float64Array(steps);
    for (let k = 0; k < steps; k++) stepEnergy[k] = sumOfSquares(y, k * hop, (k + 1) * hop);
    for (let k = 0; k + 4 <= steps; k++) {
      blocks.push((stepEnergy[k]! + stepEnergy[k + 1]! + stepEnergy[k + 2]! + stepEnergy[k + 3]!) / blockLen);
    }
  }

  const loudness = (meanSquare: number): number => -0.691 + 10 * Math.log10(meanSquare);
  const aboveAbsolute = blocks.filter((z) => z > 0 && loudness(z) > ABSOLUTE_GATE);
  if (aboveAbsolute.length === 0) return -Infinity;
  const relativeGate = loudness(mean(aboveAbsolute)) + RELATIVE_GATE;
  const gated = aboveAbsolute.filter((z) => loudness(z) > relativeGate);
  return loudness(mean(gated));
}

function mean(values: number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Sample peak in dBFS; -Infinity for silence. */
export function peakDb(audio: PcmAudio): number {
  let peak = 0;
  const x = audio.samples;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]!);
    if (a > peak) peak = a;
  }
  return gainToDb(peak);
}

/**
 * Gain to `targetLufs`, then a look-ahead limiter so no sample exceeds `peakCeilingDb`. Limiting
 * rather than backing the gain off keeps quiet, peaky voices as loud as the others. Limiting takes a
 * little loudness away, so the gain is corrected and the limiter rerun until the result is within
 * 0.1 LU (a few passes at most). Silence is returned unchanged.
 */
export function normalizeLoudness(audio: PcmAudio, targetLufs = -16, peakCeilingDb = -1): PcmAudio {
  const measured = integratedLoudness(audio);
  if (!Number.isFinite(measured)) return { samples: audio.samples.slice(), sampleRate: audio.sampleRate };
  let gainDb = targetLufs - measured;
  let out = applyGain(audio, gainDb);
  for (let pass = 0; pass < 4 && peakDb(out) > peakCeilingDb; pass++) {
    out = limitPeaks(out, peakCeilingDb);
    const shortfall = targetLufs - integratedLoudness(out);
    if (!(shortfall > 0.1)) break;
    gainDb += shortfall;
    out = applyGain(audio, gainDb);
  }
  return peakDb(out) > peakCeilingDb ? limitPeaks(out, peakCeilingDb) : out;
}
