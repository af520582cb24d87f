import { assertSampleRate } from './dsp.js';
import type { PcmAudio } from './types.js';

/**
 * Band-limited resampling by a zero-phase Kaiser-windowed sinc. Output sample n sits exactly at input
 * time n * srcRate / dstRate, so resampling never shifts timing (captions rely on this).
 *
 * Design: cutoff at 0.92 of the lower Nyquist with a transition band that ends just below Nyquist,
 * ~80 dB stopband (Kaiser beta 7.9) and 32 zero crossings of the sinc on each side.
 */
const CUTOFF = 0.92;
const ZERO_CROSSINGS = 32;
const KAISER_BETA = 7.9;
/** Rational ratios with up to this many phases get an exact polyphase table; others interpolate one. */
const MAX_EXACT_PHASES = 1024;
/** Phases in the interpolated table; with linear interpolation between them the error is far below 80 dB. */
const INTERP_PHASES = 512;

/** How many samples `resample` returns for `n` samples from `fromRate` to `toRate`. */
export function resampledLength(n: number, fromRate: number, toRate: number): number {
  return fromRate === toRate ? n : Math.round((n * toRate) / fromRate);
}

export function resample(audio: PcmAudio, targetRate: number): PcmAudio {
  assertSampleRate(audio.sampleRate);
  assertSampleRate(targetRate);
  const src = audio.sampleRate;
  if (src === targetRate) return { samples: audio.samples.slice(), sampleRate: targetRate };

  const g = gcd(src, targetRate);
  const up = targetRate / g; // L: output samples per `down` input samples
  const down = src / g; // M
  const outLength = resampledLength(audio.samples.length, src, targetRate);
  const kernel = designKernel(Math.min(1, targetRate / src));
  const samples =
    up <= MAX_EXACT_PHASES
      ? polyphase(audio.samples, outLength, up, down, buildTable(kernel, up, false))
      : interpolated(audio.samples, outLength, src / targetRate, kernel);
  return { samples, sampleRate: targetRate };
}

interface Kernel {
  /** Taps on each side of the output instant, in input samples. */
  half: number;
  /** Continuous impulse response at offset tau (input samples), zero beyond +-half. */
  at(tau: number): number;
}

function designKernel(ratio: number): Kernel {
  // Cutoff in cycles per input sample (0.5 would be the input Nyquist).
  const fc = 0.5 * ratio * CUTOFF;
  // Sinc zeros are 1 / (2 fc) apart; span ZERO_CROSSINGS of them on each side.
  const span = ZERO_CROSSINGS / (2 * fc);
  const half = Math.ceil(span);
  const norm = besselI0(KAISER_BETA);
  return {
    half,
    at(tau: number): number {
      const r = tau / span;
      if (r <= -1 || r >= 1) return 0;
      const x = 2 * fc * tau;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      return 2 * fc * sinc * (besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / norm);
    },
  };
}

/**
 * Table of `phases` rows; row p holds the weights for an output instant p/phases of an input sample
 * past input index i, applied to inputs i + 1 - half ... i + half. Each row is normalised to unit sum
 * so DC passes exactly whatever the phase. `extraRow` appends row `phases` (a whole sample later) for
 * interpolating between neighbours.
 */
function buildTable(kernel: Kernel, phases: number, extraRow: boolean): Float32Array {
  const taps = 2 * kernel.half;
  const rows = extraRow ? phases + 1 : phases;
  const table = new Float32Array(rows * taps);
  for (let p = 0; p < rows; p++) {
    const frac = p / phases;
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      const v = kernel.at(kernel.half - 1 - k + frac);
      table[p * taps + k] = v;
      sum += v;
    }
    for (let k = 0; k < taps; k++) table[p * taps + k] = table[p * taps + k]! / sum;
  }
  return table;
}

function polyphase(
  x: Float32Array,
  outLength: number,
  up: number,
  down: number,
  table: Float32Array,
): Float32Array {
  const taps = table.length / up;
  const half = taps / 2;
  const out = new Float32Array(outLength);
  const n = x.length;
  const wholeStep = Math.floor(down / up);
  const fracStep = down % up;
  // Track position as integer index + phase numerator, so long files accumulate no rounding drift.
  let i = 0;
  let phase = 0;
  for (let o = 0; o < outLength; o++) {
    const row = phase * taps;
    const first = i + 1 - half;
    let acc = 0;
    if (first >= 0 && first + taps <= n) {
      for (let k = 0; k < taps; k++) acc += x[first + k]! * table[row + k]!;
    } else {
      // Near the ends the signal is taken as zero outside its span.
      const kStart = Math.max(0, -first);
      const kEnd = Math.min(taps, n - first);
      for (let k = kStart; k < kEnd; k++) acc += x[first + k]! * table[row + k]!;
    }
    out[o] = acc;
    i += wholeStep;
    phase += fracStep;
    if (phase >= up) {
      phase -= up;
      i++;
    }
  }
  return out;
}

/** For ratios whose reduced form has too many phases: a fine table with linear interpolation between rows. */
function interpolated(x: Float32Array, outLength: number, step: number, kernel: Kernel): Float32Array {
  const table = buildTable(kernel, INTERP_PHASES, true);
  const taps = 2 * kernel.half;
  const half = kernel.half;
  const out = new Float32Array(outLength);
  const n = x.length;
  for (let o = 0; o < outLength; o++) {
    const t = o * step;
    const i = Math.floor(t);
    const pos = (t - i) * INTERP_PHASES;
    const p = Math.min(INTERP_PHASES - 1, Math.floor(pos));
    const w = pos - p;
    const rowA = p * taps;
    const rowB = rowA + taps;
    const first = i + 1 - half;
    const kStart = Math.max(0, -first);
    const kEnd = Math.min(taps, n - first);
    let acc = 0;
    for (let k = kStart; k < kEnd; k++) {
      const a = table[rowA + k]!;
      acc += x[first + k]! * (a + (table[rowB + k]! - a) * w);
    }
    out[o] = acc;
  }
  return out;
}

/** Modified Bessel function of the first kind, order 0, by its power series (converges fast for beta < 20). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-16) break;
  }
  return sum;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
