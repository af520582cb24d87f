import { meanSpectralCentroid } from '../../audio/centroid.js';
import { makeRegionTest, mergeCloseRegions, totalDuration } from '../../audio/regions.js';
import { resample } from '../../audio/resample.js';
import { MAX_TILT_DB, spectralTilt } from '../../audio/tilt.js';
import type { PcmAudio } from '../../audio/types.js';
import { detectSpeech } from '../../audio/vad.js';
import { clamp, invert, monotone, piecewise } from './curves.js';

/**
 * eSpeak has no brightness knob, so the engine tilts its output (src/audio/tilt.ts) to move the
 * spectral centroid towards the profile's `brightness`. Two things are measured once per language
 * and variant, on renderings the pitch calibration makes anyway, so the only cost is analysis
 * (~60–80 ms in all):
 *
 * - the natural brightness at each calibration pitch: raising `pitch` spreads the harmonics and
 *   brightens f3 by up to ~13% at pitch 99, which is worth following;
 * - the response to the tilt: brightness at −8, 0 and +8 dB on the middle rendering. Log brightness
 *   is close to linear in dB (≈ 20 dB per octave of centroid on all six voices, slightly compressed
 *   at the bright end), so three points interpolated in log frequency invert well. The response is
 *   taken to be the same at every pitch (it is a property of the filter on a speech-like spectrum).
 */

/** The tilt settings the response is measured at; the middle one must be 0. */
const TILT_GRID = [-MAX_TILT_DB, 0, MAX_TILT_DB];

export interface BrightnessCalibration {
  /** Brightness of untilted output at each calibration pitch, Hz (0 where unmeasurable). */
  naturalAt: number[];
  /** ln(brightness at TILT_GRID[i] / brightness at 0 dB), non-decreasing. */
  logGainAt: number[];
}

/**
 * Brightness exactly as analyzeVoice measures it (src/audio/profile.ts; a unit test holds the two
 * together): 16 kHz, mean centroid over the speech detectSpeech finds. Repeated here rather than
 * calling analyzeVoice, whose pitch tracking and syllable counting would triple the cost.
 */
export function measureBrightness(audio: PcmAudio): number {
  return brightnessAtAnalysisRate(toAnalysisRate(audio));
}

const ANALYSIS_RATE = 16000;

function toAnalysisRate(audio: PcmAudio): PcmAudio {
  return audio.sampleRate > ANALYSIS_RATE ? resample(audio, ANALYSIS_RATE) : audio;
}

function brightnessAtAnalysisRate(a: PcmAudio): number {
  const regions = mergeCloseRegions(detectSpeech(a).regions, 0);
  return totalDuration(regions) > 0 ? meanSpectralCentroid(a, makeRegionTest(regions)) : 0;
}

/**
 * `renders[i]` is the calibration text at the i-th calibration pitch; `probe` indexes the one the
 * tilt response is measured on. The tilt is applied after resampling to the analysis rate, which
 * saves two resamplings (most of the cost): both are linear and the shelf's corner is pre-warped, so
 * the order does not matter (measured: brightness within 0.2% either way, on all six voices).
 */
export function calibrateBrightness(renders: PcmAudio[], probe: number): BrightnessCalibration {
  const analysed = renders.map(toAnalysisRate);
  const naturalAt = analysed.map(brightnessAtAnalysisRate);
  const base = naturalAt[probe] ?? 0;
  const logGainAt = TILT_GRID.map((db) => {
    if (db === 0 || base <= 0) return 0;
    const b = brightnessAtAnalysisRate(spectralTilt(analysed[probe] as PcmAudio, db));
    return b > 0 ? Math.log(b / base) : 0;
  });
  return { naturalAt, logGainAt: monotone(logGainAt) };
}

/**
 * The tilt (dB, within ±MAX_TILT_DB) that brings output at `pitch` (interpolated over `pitchGrid`)
 * to `target` Hz. 0 when the target is unknown (≤ 0) or the calibration measured nothing usable.
 */
export function brightnessTilt(
  cal: BrightnessCalibration,
  pitchGrid: number[],
  pitch: number,
  target: number,
): number {
  const lo = cal.logGainAt[0] ?? 0;
  const hi = cal.logGainAt[cal.logGainAt.length - 1] ?? 0;
  if (!(target > 0) || !(hi > lo) || cal.naturalAt.some((b) => !(b > 0))) return 0;
  // In log, like everything else here: brightness is compared as a ratio throughout.
  const natural = Math.exp(piecewise(pitchGrid, cal.naturalAt.map(Math.log), pitch));
  const db = invert(TILT_GRID, cal.logGainAt, Math.log(target / natural));
  // A tenth of a dB is inaudible; rounding lets near-identical profiles render identically
  // (`|| 0` turns a rounded −0 into 0).
  return clamp(Math.round(db * 10) / 10 || 0, -MAX_TILT_DB, MAX_TILT_DB);
}
