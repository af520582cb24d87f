import { assertSampleRate } from './dsp.js';
import { limitPeaks } from './limiter.js';
import { normalizeLoudness, peakDb } from './loudness.js';
import { resample } from './resample.js';
import type { PcmAudio } from './types.js';

export interface MixSegment {
  audio: PcmAudio;
  /** silence inserted before this segment */
  gapBefore: number;
}

/** Seconds in the output where the segment's samples lie. */
export interface Placement {
  start: number;
  end: number;
}

export interface MixOptions {
  sampleRate: number;
  targetLufs: number;
  /** Sample-peak ceiling for the finished program, dBFS. Default -1. */
  peakCeilingDb?: number;
}

/**
 * Assembles a multi-speaker program: each segment is brought to the target loudness on its own (so
 * speakers match), converted to the output rate, and laid end to end after its gap. Placements are
 * exact sample positions in the result, which captions are built from.
 */
export function mixProgram(
  segments: MixSegment[],
  opts: MixOptions,
): { audio: PcmAudio; placements: Placement[] } {
  const rate = opts.sampleRate;
  assertSampleRate(rate);
  const ceiling = opts.peakCeilingDb ?? -1;

  const prepared = segments.map((seg, index) => {
    if (!(Number.isFinite(seg.gapBefore) && seg.gapBefore >= 0)) {
      throw new RangeError(`mixProgram: segment ${index} has an invalid gapBefore (${seg.gapBefore})`);
    }
    // Limiting per segment (with make-up gain) keeps a peaky speaker as loud as the others; clips
    // shorter than one gating block are measured as a single block, so one-word segments get a
    // sensible gain too. Silent segments stay silent.
    const levelled = normalizeLoudness(seg.audio, opts.targetLufs, ceiling);
    // The resampler is zero phase, so the segment keeps its timing relative to its first sample.
    return resample(levelled, rate).samples;
  });

  // Gaps are accumulated in seconds and rounded once per position, so many fractional gaps do not drift.
  const gapSamples: number[] = [];
  let gapSeconds = 0;
  let gapSoFar = 0;
  for (const seg of segments) {
    gapSeconds += seg.gapBefore;
    const gap = Math.round(gapSeconds * rate) - gapSoFar;
    gapSamples.push(gap);
    gapSoFar += gap;
  }

  const total = prepared.reduce((n, s, i) => n + s.length + gapSamples[i]!, 0);
  const out = new Float32Array(total);
  const placements: Placement[] = [];
  let cursor = 0;
  prepared.forEach((samples, i) => {
    cursor += gapSamples[i]!;
    out.set(samples, cursor);
    placements.push({ start: cursor / rate, end: (cursor + samples.length) / rate });
    cursor += samples.length;
  });

  // Resampling can overshoot a limited peak slightly (inter-sample peaks); catch that on the whole.
  let audio: PcmAudio = { samples: out, sampleRate: rate };
  if (peakDb(audio) > ceiling) audio = limitPeaks(audio, ceiling);
  return { audio, placements };
}
