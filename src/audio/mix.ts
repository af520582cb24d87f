import { assertSampleRate } from './dsp.js';
import { limitPeaks } from './limiter.js';
import { normalizeLoudness, peakDb } from './loudness.js';
import { resample, resampledLength } from './resample.js';
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
  /** Silence after the last segment, seconds (allocated with the program, not copied onto it). */
  tailSeconds?: number;
  /**
   * Lets go of each segment's samples once it is placed (its entry in `segments` is left with none),
   * so an hour-long program does not also hold every line's input to the end.
   */
  consume?: boolean;
  /** Called before each segment is placed; what it throws stops the mix (a canceled job). */
  beforeSegment?: () => void;
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

  segments.forEach((seg, index) => {
    if (!(Number.isFinite(seg.gapBefore) && seg.gapBefore >= 0)) {
      throw new RangeError(`mixProgram: segment ${index} has an invalid gapBefore (${seg.gapBefore})`);
    }
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

  // The program is allocated once, at its final length, and each segment is prepared and copied in
  // on its own: only one prepared segment exists at a time (an hour at 44.1 kHz is 635 MB a copy).
  const lengths = segments.map((s) => resampledLength(s.audio.samples.length, s.audio.sampleRate, rate));
  const tail = Math.round((opts.tailSeconds ?? 0) * rate);
  const total = lengths.reduce((n, len, i) => n + len + gapSamples[i]!, 0);
  const out = new Float32Array(total + tail);
  const placements: Placement[] = [];
  let cursor = 0;
  segments.forEach((seg, i) => {
    opts.beforeSegment?.();
    if (opts.consume)
      segments[i] = { audio: { samples: new Float32Array(0), sampleRate: rate }, gapBefore: 0 };
    // Limiting per segment (with make-up gain) keeps a peaky speaker as loud as the others; clips
    // shorter than one gating block are measured as a single block, so one-word segments get a
    // sensible gain too. Silent segments stay silent.
    const levelled = normalizeLoudness(seg.audio, opts.targetLufs, ceiling);
    // The resampler is zero phase, so the segment keeps its timing relative to its first sample.
    const samples = resample(levelled, rate).samples;
    if (samples.length !== lengths[i])
      throw new Error(`mixProgram: segment ${i} resampled to an unexpected length`);
    cursor += gapSamples[i]!;
    out.set(samples, cursor);
    placements.push({ start: cursor / rate, end: (cursor + lengths[i]!) / rate });
    cursor += lengths[i]!;
  });

  // Resampling can overshoot a limited peak slightly (inter-sample peaks); catch that on the whole.
  let audio: PcmAudio = { samples: out, sampleRate: rate };
  if (peakDb(audio) > ceiling) audio = limitPeaks(audio, ceiling, { inPlace: true });
  return { audio, placements };
}
