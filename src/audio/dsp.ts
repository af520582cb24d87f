import type { PcmAudio } from './types.js';

/** Digital silence, rounded to whole samples. */
export function silence(seconds: number, sampleRate: number): PcmAudio {
  assertSampleRate(sampleRate);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError(`silence: duration must be a non-negative number, got ${seconds}`);
  }
  return { samples: new Float32Array(Math.round(seconds * sampleRate)), sampleRate };
}

/**
 * Joins clips back to back. Mismatched rates throw rather than being resampled here, because silently
 * resampling would hide a caller bug and cost time; callers that mix rates should use mixProgram.
 */
export function concatAudio(parts: PcmAudio[]): PcmAudio {
  const first = parts[0];
  if (!first) throw new RangeError('concatAudio: nothing to concatenate');
  let total = 0;
  for (const p of parts) {
    if (p.sampleRate !== first.sampleRate) {
      throw new RangeError(`concatAudio: sample rates differ (${first.sampleRate} vs ${p.sampleRate})`);
    }
    total += p.samples.length;
  }
  const out = new Float32Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p.samples, offset);
    offset += p.samples.length;
  }
  return { samples: out, sampleRate: first.sampleRate };
}

export function dbToGain(db: number): number {
  return Math.pow(10, db / 20);
}

export function gainToDb(gain: number): number {
  return gain > 0 ? 20 * Math.log10(gain) : -Infinity;
}

/** Returns a new clip; the input is never modified. No clipping: later stages decide how to handle peaks. */
export function applyGain(audio: PcmAudio, db: number): PcmAudio {
  const g = dbToGain(db);
  const out = new Float32Array(audio.samples.length);
  for (let i = 0; i < out.length; i++) out[i] = audio.samples[i]! * g;
  return { samples: out, sampleRate: audio.sampleRate };
}

/** RMS level in dBFS (a full-scale square wave is 0 dB); -Infinity for empty or all-zero input. */
export function rmsDb(samples: Float32Array): number {
  if (samples.length === 0) return -Infinity;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  return sum > 0 ? 10 * Math.log10(sum / samples.length) : -Infinity;
}

export function durationOf(audio: PcmAudio): number {
  return audio.samples.length / audio.sampleRate;
}

export function assertSampleRate(sampleRate: number): void {
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) {
    throw new RangeError(`sample rate must be a positive integer, got ${sampleRate}`);
  }
}
