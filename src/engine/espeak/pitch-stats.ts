import { estimatePitch } from '../../audio/pitch.js';
import { percentile } from '../../audio/stats.js';

export interface PitchStats {
  /**
   * Geometric mean of the middle half of the voiced f0 values. Stands in for the median: eSpeak's
   * f0 values bunch on a few contour levels, so the plain median jumps between them when a setting
   * changes slightly, while this moves smoothly (measured on eSpeak output the two agree within a
   * few Hz).
   */
  centre: number;
  /** p90 − p10, Hz. */
  spreadHz: number;
  /** p10–p90 spread in semitones, as VoiceProfile.f0RangeSemitones. */
  semitones: number;
}

/** f0 statistics of a rendering, from the same YIN tracker that measures reference recordings. */
export function pitchStats(samples: Float32Array, sampleRate: number): PitchStats {
  const { f0 } = estimatePitch({ samples, sampleRate });
  const voiced = Array.from(f0).filter((v) => v > 0);
  if (voiced.length < 5) return { centre: 0, spreadHz: 0, semitones: 0 };
  const p10 = percentile(voiced, 10);
  const p90 = percentile(voiced, 90);
  const q1 = percentile(voiced, 25);
  const q3 = percentile(voiced, 75);
  const middle = voiced.filter((v) => v >= q1 && v <= q3);
  const centre = Math.exp(middle.reduce((sum, v) => sum + Math.log(v), 0) / middle.length);
  return { centre, spreadHz: p90 - p10, semitones: 12 * Math.log2(p90 / p10) };
}
