import { mp3FrameSamples } from './mp3-lame.js';

/**
 * Where a programme may be cut into pieces that are encoded apart (on several threads, or one after
 * another for a stream) and joined by concatenating their bytes.
 *
 * PCM joins anywhere. MP3 joins without a gap, click or drift only under two conditions:
 * - the cut is on the frame grid of one continuous encode (a multiple of the frame size from the
 *   programme's start): a fresh encoder fed from there gives frames at exactly the positions the
 *   continuous one would, and a piece followed by another keeps exactly its own frames (what the
 *   flush adds after them is dropped, see Mp3Lame.encode); and
 * - the programme is silent around the cut: a fresh encoder sees zeros before its first sample and
 *   the flushed one zeros after its last, and each frame's transform window and LAME's look-ahead
 *   reach about a frame beyond it, so only where the programme really is zero there do the two
 *   pieces decode exactly as one stream would. Each piece starts with an empty bit reservoir, so no
 *   frame refers to bytes of another piece.
 * Lines and sentences are separated by pauses of pure zeros, far longer than this needs.
 */

/** Frames of zeros wanted before and after an MP3 cut (measured: one each side already decodes exactly). */
const ZEROS_BEFORE = 2.5;
const ZEROS_AFTER = 2;

export type ChunkEncoding = 'mp3' | 'pcm';

/**
 * A cut inside the silence from sample `from` to `to` (exclusive; positions from the programme's
 * start, which must be where the first piece started), or undefined when it is too short for one.
 */
export function cutInSilence(
  from: number,
  to: number,
  encoding: ChunkEncoding,
  sampleRate: number,
): number | undefined {
  if (encoding === 'pcm') return from;
  const frame = mp3FrameSamples(sampleRate);
  const cut = Math.ceil((from + ZEROS_BEFORE * frame) / frame) * frame;
  return cut + ZEROS_AFTER * frame <= to ? cut : undefined;
}

/** How many exact zeros end `samples`. */
export function trailingZeros(samples: Float32Array): number {
  let n = 0;
  while (n < samples.length && samples[samples.length - 1 - n] === 0) n++;
  return n;
}
