import { cascade, highPass, lowPass } from './biquad.js';
import { frameEnergies, powerToDb } from './frames.js';
import type { PcmAudio } from './types.js';

// Syllable nuclei are vowels: loud in the first-formant region, periodic, and separated by dips
// (consonants, closures). The band keeps F1/F2 and drops low rumble and fricative hiss.
const BAND_LOW_HZ = 300;
const BAND_HIGH_HZ = 2500;
const FRAME_SECONDS = 0.02;
const HOP_SECONDS = 0.01;
const SMOOTH_FRAMES = 3;
/** Nuclei closer than this are one syllable; 10 syllables/s is already very fast speech. */
const MIN_PEAK_DISTANCE_SECONDS = 0.1;
/** A peak must rise this far above the deeper of the dips around it. */
const MIN_PROMINENCE_DB = 1.5;
/** Peaks this far below the loudest nucleus are breath, noise or reverb tails. */
const MAX_BELOW_PEAK_DB = 25;

export interface NucleusFilter {
  /** Whether time t (seconds) is inside speech. */
  inSpeech(t: number): boolean;
  /** Whether the signal is voiced near time t; unvoiced peaks are fricatives or noise, not vowels. */
  voicedNear(t: number): boolean;
}

/** Times (seconds) of syllable nuclei: prominent, voiced peaks of the band-passed energy envelope. */
export function syllableNuclei(audio: PcmAudio, filter: NucleusFilter): number[] {
  const fs = audio.sampleRate;
  const band = cascade(audio.samples, [
    highPass(fs, BAND_LOW_HZ),
    highPass(fs, BAND_LOW_HZ),
    lowPass(fs, BAND_HIGH_HZ),
    lowPass(fs, BAND_HIGH_HZ),
  ]);
  const frameLen = Math.round(FRAME_SECONDS * fs);
  const hop = Math.round(HOP_SECONDS * fs);
  const energy = frameEnergies(band, frameLen, hop);
  const env = smooth(
    Array.from(energy, (e) => Math.max(-120, powerToDb(e))),
    SMOOTH_FRAMES,
  );
  const timeOf = (f: number): number => (f * hop + frameLen / 2) / fs;

  let loudest = -Infinity;
  for (let f = 0; f < env.length; f++) if (filter.inSpeech(timeOf(f))) loudest = Math.max(loudest, env[f]!);
  if (!Number.isFinite(loudest)) return [];

  const candidates: number[] = [];
  for (let f = 1; f < env.length - 1; f++) {
    const v = env[f]!;
    if (!(v > env[f - 1]! && v >= env[f + 1]!)) continue;
    if (v < loudest - MAX_BELOW_PEAK_DB) continue;
    const t = timeOf(f);
    if (!filter.inSpeech(t) || !filter.voicedNear(t)) continue;
    if (prominence(env, f) < MIN_PROMINENCE_DB) continue;
    candidates.push(f);
  }

  // Keep the strongest peaks first and drop any weaker one within the minimum distance.
  const minDistance = Math.round(MIN_PEAK_DISTANCE_SECONDS / HOP_SECONDS);
  candidates.sort((a, b) => env[b]! - env[a]!);
  const kept: number[] = [];
  for (const f of candidates) {
    if (kept.every((k) => Math.abs(k - f) >= minDistance)) kept.push(f);
  }
  return kept.sort((a, b) => a - b).map(timeOf);
}

/** Peak height above the higher of the two lowest points reached before meeting a taller peak. */
function prominence(env: number[], peak: number): number {
  const v = env[peak]!;
  let leftMin = v;
  for (let i = peak - 1; i >= 0 && env[i]! <= v; i--) leftMin = Math.min(leftMin, env[i]!);
  let rightMin = v;
  for (let i = peak + 1; i < env.length && env[i]! <= v; i++) rightMin = Math.min(rightMin, env[i]!);
  return v - Math.max(leftMin, rightMin);
}

/** Centred moving average; shrinks the window at the edges instead of padding. */
function smooth(values: number[], width: number): number[] {
  const half = Math.floor(width / 2);
  return values.map((_, i) => {
    const a = Math.max(0, i - half);
    const b = Math.min(values.length, i + half + 1);
    let s = 0;
    for (let k = a; k < b; k++) s += values[k]!;
    return s / (b - a);
  });
}
