import { assertSampleRate } from './dsp.js';
import { limitPeaks } from './limiter.js';
import { normalizeLoudness, peakDb } from './loudness.js';
import { resample, resampledLength } from './resample.js';
import type { PcmAudio } from './types.js';

/** Seconds in the output where the segment's samples lie. */
export interface Placement {
  start: number;
  end: number;
}

/**
 * Where each segment of a programme goes, in samples at the programme's rate, placed in order as
 * their lengths become known: segment i follows segment i - 1 after `gaps[i]` seconds of silence.
 * Gaps are accumulated in seconds and rounded once per position, so many fractional gaps do not drift.
 */
export class ProgramLayout {
  private gapSeconds = 0;
  private gapSamples = 0;
  private cursor = 0;
  private placed = 0;

  constructor(
    readonly sampleRate: number,
    private readonly gaps: readonly number[],
  ) {
    assertSampleRate(sampleRate);
    gaps.forEach((g, i) => {
      if (!(Number.isFinite(g) && g >= 0))
        throw new RangeError(`ProgramLayout: segment ${i} has an invalid gap (${g})`);
    });
  }

  /** Samples a segment of `n` samples at `rate` takes in the programme. */
  lengthOf(n: number, rate: number): number {
    return resampledLength(n, rate, this.sampleRate);
  }

  /** Places the next segment (index `placedCount`), `length` programme samples long. */
  place(length: number): { start: number; end: number } {
    const start = this.cursor + this.gapBefore(this.placed);
    this.gapSeconds += this.gaps[this.placed]!;
    this.gapSamples = Math.round(this.gapSeconds * this.sampleRate);
    this.placed++;
    this.cursor = start + length;
    return { start, end: this.cursor };
  }

  /** Where the next segment would start (the end of the last one, if none follows). */
  nextStart(): number {
    return this.cursor + (this.placed < this.gaps.length ? this.gapBefore(this.placed) : 0);
  }

  get placedCount(): number {
    return this.placed;
  }

  private gapBefore(i: number): number {
    return Math.round((this.gapSeconds + this.gaps[i]!) * this.sampleRate) - this.gapSamples;
  }
}

export interface ChunkSegment {
  audio: PcmAudio;
  /** Where its first sample goes in the chunk. */
  at: number;
}

export interface MixChunkOptions {
  /** Each segment is brought to this loudness on its own (so speakers match); absent: as given. */
  targetLufs?: number;
  /** Sample-peak ceiling, dBFS. Default -1. */
  peakCeilingDb?: number;
  /** Called before each segment is placed; what it throws stops the mix (a canceled job). */
  beforeSegment?: () => void;
}

/**
 * A stretch of programme `length` samples long at `rate`: each segment levelled, converted to the
 * rate and copied in at its position; the rest is silence. Segments are prepared one at a time, and
 * a caller may let go of its references to them, so only one prepared segment exists at once.
 */
export function mixChunk(
  length: number,
  rate: number,
  segments: readonly ChunkSegment[],
  opts: MixChunkOptions = {},
): Float32Array {
  assertSampleRate(rate);
  const ceiling = opts.peakCeilingDb ?? -1;
  const out = new Float32Array(length);
  segments.forEach((seg, i) => {
    opts.beforeSegment?.();
    // Limiting per segment (with make-up gain) keeps a peaky speaker as loud as the others; clips
    // shorter than one gating block are measured as a single block, so one-word segments get a
    // sensible gain too. Silent segments stay silent.
    const levelled =
      opts.targetLufs === undefined ? seg.audio : normalizeLoudness(seg.audio, opts.targetLufs, ceiling);
    // The resampler is zero phase, so the segment keeps its timing relative to its first sample.
    const samples = resample(levelled, rate).samples;
    if (samples.length !== resampledLength(seg.audio.samples.length, seg.audio.sampleRate, rate))
      throw new Error(`mixChunk: segment ${i} resampled to an unexpected length`);
    if (seg.at < 0 || seg.at + samples.length > length)
      throw new RangeError(`mixChunk: segment ${i} does not fit in the chunk`);
    out.set(samples, seg.at);
  });
  // Resampling can overshoot a limited peak slightly (inter-sample peaks); catch that on the whole.
  // Chunks are cut in silence, so the limiter (a few milliseconds of look-ahead) never needs the next.
  const audio = { samples: out, sampleRate: rate };
  if (peakDb(audio) > ceiling) limitPeaks(audio, ceiling, { inPlace: true });
  return out;
}
