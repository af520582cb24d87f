import { biquadFilter, highShelf } from './biquad.js';
import type { PcmAudio } from './types.js';

/** Beyond this a one-section tilt stops sounding like the same voice and starts sounding filtered. */
export const MAX_TILT_DB = 8;
/** Between the first and second formant regions: lows hold voicing, highs hold brightness. */
export const DEFAULT_TILT_PIVOT_HZ = 1500;

/**
 * Gentle spectral tilt: highs end up `db` above lows, with the pivot frequency left at unity, i.e.
 * a high shelf of `db` scaled by −db/2 so lows drop by db/2 and highs rise by db/2. Centring the
 * change on the pivot keeps speech loudness roughly where it was (its energy sits around the
 * pivot), so a tilt does not also act as a volume knob. `db` is clamped to ±MAX_TILT_DB; 0 returns
 * an exact copy.
 *
 * One biquad: minimum phase, group delay well under a millisecond, so word timings measured on the
 * input still hold for the output, and the same input always gives the same output.
 */
export function spectralTilt(audio: PcmAudio, db: number, pivotHz = DEFAULT_TILT_PIVOT_HZ): PcmAudio {
  const gain = Math.min(MAX_TILT_DB, Math.max(-MAX_TILT_DB, Number.isFinite(db) ? db : 0));
  if (gain === 0) return { samples: audio.samples.slice(), sampleRate: audio.sampleRate };
  const s = highShelf(audio.sampleRate, pivotHz, gain);
  const g = Math.pow(10, -gain / 40); // −db/2 in amplitude
  const centred = { ...s, b0: s.b0 * g, b1: s.b1 * g, b2: s.b2 * g };
  return { samples: biquadFilter(audio.samples, centred), sampleRate: audio.sampleRate };
}
