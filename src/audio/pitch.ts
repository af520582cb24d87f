import { resample } from './resample.js';
import type { PcmAudio } from './types.js';

/** f0 above 500 Hz needs nothing beyond 8 kHz of bandwidth; analysing at 16 kHz keeps YIN cheap. */
const ANALYSIS_RATE = 16000;
const HOP_SECONDS = 0.01;
/** YIN's absolute threshold on the cumulative-mean-normalised difference. */
const YIN_THRESHOLD = 0.12;
/** Frames quieter than this (RMS dBFS) are not analysed: silence has no pitch and would waste time. */
const SILENCE_DB = -55;

export interface PitchOptions {
  minHz?: number;
  maxHz?: number;
}

/**
 * Frame-wise f0 by YIN (de Cheveigné & Kawahara 2002). `times` are frame centres in seconds; `f0` is in
 * Hz, 0 where the frame is unvoiced or silent.
 */
export function estimatePitch(
  audio: PcmAudio,
  opts: PitchOptions = {},
): { times: Float32Array; f0: Float32Array } {
  const minHz = opts.minHz ?? 60;
  const maxHz = opts.maxHz ?? 500;
  if (!(minHz > 0 && maxHz > minHz)) throw new RangeError('estimatePitch: need 0 < minHz < maxHz');
  const input = audio.sampleRate > ANALYSIS_RATE ? resample(audio, ANALYSIS_RATE) : audio;
  const x = input.samples;
  const fs = input.sampleRate;

  const tauMin = Math.max(2, Math.floor(fs / maxHz));
  const tauMax = Math.ceil(fs / minHz);
  // The integration window spans the longest period, so every lag compares a whole cycle.
  const window = tauMax;
  const frameLen = window + tauMax + 1;
  const hop = Math.max(1, Math.round(HOP_SECONDS * fs));
  const count = x.length >= frameLen ? Math.floor((x.length - frameLen) / hop) + 1 : 0;
  const times = new Float32Array(count);
  const f0 = new Float32Array(count);
  const diff = new Float64Array(tauMax + 2);
  const silencePower = Math.pow(10, SILENCE_DB / 10);

  for (let f = 0; f < count; f++) {
    const start = f * hop;
    times[f] = (start + frameLen / 2) / fs;
    let power = 0;
    for (let j = 0; j < window; j++) power += x[start + j]! * x[start + j]!;
    if (power / window < silencePower) continue;
    const tau = bestLag(x, start, window, tauMin, tauMax, diff);
    if (tau > 0) f0[f] = fs / tau;
  }
  return { times, f0 };
}

/**
 * YIN steps 2-5 for one frame: difference function, cumulative mean normalisation, first dip under the
 * absolute threshold followed down to its local minimum (so the lag is not picked on the way into the
 * dip), then parabolic interpolation. Lags are computed only until that minimum is found, which on
 * voiced speech skips most of the work. Returns a fractional lag, or 0 for unvoiced.
 */
function bestLag(
  x: Float32Array,
  start: number,
  window: number,
  tauMin: number,
  tauMax: number,
  d: Float64Array,
): number {
  d[0] = 1;
  let running = 0;
  // One lag past tauMax so the minimum at tauMax still has a right neighbour for the parabola.
  for (let tau = 1; tau <= tauMax + 1; tau++) {
    let sum = 0;
    const b = start + tau;
    for (let j = 0; j < window; j++) {
      const delta = x[start + j]! - x[b + j]!;
      sum += delta * delta;
    }
    running += sum;
    d[tau] = running > 0 ? (sum * tau) / running : 1;

    const t = tau - 1;
    if (t >= tauMin && d[t]! < YIN_THRESHOLD && (t === tauMax || d[tau]! >= d[t]!)) {
      return refine(d, t);
    }
  }
  return 0;
}

function refine(d: Float64Array, tau: number): number {
  const left = d[tau - 1]!;
  const mid = d[tau]!;
  const right = d[tau + 1]!;
  const curvature = left + right - 2 * mid;
  const shift = curvature > 0 ? (0.5 * (left - right)) / curvature : 0;
  return tau + Math.max(-1, Math.min(1, shift));
}
