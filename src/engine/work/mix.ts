import { mixChunk as mixSamples } from '../../audio/mix.js';
import type { Mp3Lame } from '../../audio/mp3-lame.js';
import { resampledLength } from '../../audio/resample.js';
import { pcm16le } from '../../audio/stream-encode.js';
import { type Checkpoint, NEVER_CANCELED } from '../cancel.js';
import type { ChunkRequest, ChunkResult } from '../contract.js';

/** One stretch of a programme, on a worker: level, place, resample, encode (see engine/program.ts). */
export function mixChunk(
  req: ChunkRequest,
  lame: Mp3Lame | undefined,
  checkpoint: Checkpoint = NEVER_CANCELED,
): ChunkResult {
  const rate = req.sampleRate;
  const segments = req.segments.map((s) => ({
    audio: { samples: s.samples, sampleRate: s.sampleRate },
    at: s.at,
  }));
  const lengths = segments.map((s) => resampledLength(s.audio.samples.length, s.audio.sampleRate, rate));
  const samples = mixSamples(req.length, rate, segments, {
    targetLufs: req.targetLufs,
    beforeSegment: checkpoint,
  });
  const speech = segments.map((s, i) => audibleWithin(samples, s.at, s.at + lengths[i]!));
  checkpoint();
  if (req.encoding === 'pcm') return { bytes: pcm16le(samples), speech };
  if (!lame) throw new Error('mixChunk: no MP3 encoder on this thread');
  return { bytes: lame.encode(samples, rate, req.mp3Kbps, req.keepFrames), speech };
}

/**
 * Where a placed segment is audible in the finished chunk (levelled, resampled): from its first to
 * its last sample at or above AUDIBLE_AMPLITUDE. Captions start and end there, not at the segment's
 * edges, which keep a little room around the speech. Silent: the whole segment.
 */
function audibleWithin(samples: Float32Array, from: number, to: number): { start: number; end: number } {
  let first = -1;
  let last = -1;
  for (let i = from; i < Math.min(to, samples.length); i++) {
    if (Math.abs(samples[i]!) >= AUDIBLE_AMPLITUDE) {
      if (first < 0) first = i;
      last = i;
    }
  }
  return first < 0 ? { start: from, end: to } : { start: first, end: last + 1 };
}

/** Sample level that counts as sound in the output: -45 dBFS. */
const AUDIBLE_AMPLITUDE = 10 ** (-45 / 20);
