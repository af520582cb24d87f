import { frameEnergies, powerToDb } from './frames.js';
import { hannWindow, magnitudeSpectrum } from './fft.js';
import type { PcmAudio } from './types.js';

const FFT_SIZE = 512;
const HOP_SECONDS = 0.02;
/** Only frames within this many dB of the loudest count, so pauses inside speech do not pull the mean. */
const LOUDNESS_RANGE_DB = 30;

/**
 * Mean spectral centroid (Hz, magnitude weighted) over frames the predicate accepts. Callers pass
 * audio at a fixed analysis rate so the figure does not depend on the upload's bandwidth.
 */
export function meanSpectralCentroid(audio: PcmAudio, include: (t: number) => boolean): number {
  const fs = audio.sampleRate;
  const x = audio.samples;
  const frame = Math.min(FFT_SIZE, Math.round(0.032 * fs));
  const hop = Math.max(1, Math.round(HOP_SECONDS * fs));
  const window = hannWindow(frame);
  const energyDb = Array.from(frameEnergies(x, frame, hop), powerToDb);
  const timeOf = (f: number): number => (f * hop + frame / 2) / fs;

  let loudest = -Infinity;
  for (let f = 0; f < energyDb.length; f++) if (include(timeOf(f))) loudest = Math.max(loudest, energyDb[f]!);
  if (!Number.isFinite(loudest) || x.length < frame) return 0;

  let total = 0;
  let count = 0;
  const binHz = fs / FFT_SIZE;
  for (let f = 0; f < energyDb.length; f++) {
    if (energyDb[f]! < loudest - LOUDNESS_RANGE_DB || !include(timeOf(f))) continue;
    const mag = magnitudeSpectrum(x.subarray(f * hop, f * hop + frame), window, FFT_SIZE);
    let weighted = 0;
    let sum = 0;
    // Bin 0 is skipped: a DC offset says nothing about the voice.
    for (let k = 1; k < mag.length; k++) {
      weighted += k * binHz * mag[k]!;
      sum += mag[k]!;
    }
    if (sum > 0) {
      total += weighted / sum;
      count++;
    }
  }
  return count > 0 ? total / count : 0;
}
