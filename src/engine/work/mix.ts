import { durationOf } from '../../audio/dsp.js';
import { encodeMp3, encodeWav } from '../../audio/encode.js';
import { mixProgram, type Placement } from '../../audio/mix.js';
import { type Checkpoint, NEVER_CANCELED } from '../cancel.js';
import type { MixedProgram, MixRequest } from '../contract.js';

/** The last step of a synthesis job, on a worker: level, place, resample, encode. */
export function mixAndEncode(req: MixRequest, checkpoint: Checkpoint = NEVER_CANCELED): MixedProgram {
  const segments = req.segments.map((s) => ({
    audio: { samples: s.samples, sampleRate: s.sampleRate },
    gapBefore: s.gapBefore,
  }));
  // The task's own references go too: each line's samples are then freed once it is placed.
  req.segments.length = 0;
  const { audio, placements } = mixProgram(segments, {
    sampleRate: req.sampleRate,
    targetLufs: req.targetLufs,
    tailSeconds: req.tailSeconds,
    consume: true,
    beforeSegment: checkpoint,
  });
  const speech = placements.map((p) => audibleWithin(audio.samples, audio.sampleRate, p));
  checkpoint();
  const bytes = req.format === 'mp3' ? encodeMp3(audio, req.mp3Kbps) : encodeWav(audio);
  return { bytes, durationSeconds: durationOf(audio), placements, speech };
}

/**
 * Where a placed segment is audible in the finished program (levelled, resampled): from its first to
 * its last sample at or above AUDIBLE_DB. Captions start and end there, not at the segment's edges,
 * which keep a little room around the speech.
 */
function audibleWithin(samples: Float32Array, rate: number, p: Placement): Placement {
  const from = Math.round(p.start * rate);
  const to = Math.min(samples.length, Math.round(p.end * rate));
  let first = -1;
  let last = -1;
  for (let i = from; i < to; i++) {
    if (Math.abs(samples[i] as number) >= AUDIBLE_AMPLITUDE) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0) return p;
  return { start: first / rate, end: (last + 1) / rate };
}

/** Sample level that counts as sound in the output: -45 dBFS. */
const AUDIBLE_AMPLITUDE = 10 ** (-45 / 20);
