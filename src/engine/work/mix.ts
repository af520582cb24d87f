import { durationOf } from '../../audio/dsp.js';
import { encodeMp3, encodeWav } from '../../audio/encode.js';
import { mixProgram, type Placement } from '../../audio/mix.js';
import { nonSilentRegions } from '../../audio/vad.js';
import type { MixedProgram, MixRequest } from '../../services/backend.js';

/** The last step of a synthesis job, on a worker: level, place, resample, encode. */
export function mixAndEncode(req: MixRequest): MixedProgram {
  const { audio, placements } = mixProgram(
    req.segments.map((s) => ({
      audio: { samples: s.samples, sampleRate: s.sampleRate },
      gapBefore: s.gapBefore,
    })),
    { sampleRate: req.sampleRate, targetLufs: req.targetLufs },
  );
  const speech = placements.map((p) => audibleWithin(audio.samples, audio.sampleRate, p));
  const tail = Math.round(req.tailSeconds * req.sampleRate);
  const padded = new Float32Array(audio.samples.length + tail);
  padded.set(audio.samples);
  const program = { samples: padded, sampleRate: req.sampleRate };
  const bytes = req.format === 'mp3' ? encodeMp3(program, req.mp3Kbps) : encodeWav(program);
  return { bytes, durationSeconds: durationOf(program), placements, speech };
}

/**
 * Where a placed segment is audible in the finished program (levelled, resampled): captions must
 * start and end there, not at the segment's edges, which keep a little room tone around the speech.
 */
function audibleWithin(samples: Float32Array, rate: number, p: Placement): Placement {
  const from = Math.round(p.start * rate);
  const slice = { samples: samples.subarray(from, Math.round(p.end * rate)), sampleRate: rate };
  const regions = nonSilentRegions(slice, {
    thresholdDb: AUDIBLE_DB,
    minGapSeconds: 0,
    minDurationSeconds: 0,
  });
  const first = regions[0];
  const last = regions[regions.length - 1];
  if (!first || !last) return p;
  return { start: p.start + first.start, end: p.start + last.end };
}

/** Level that counts as speech in the output; the same threshold a listener's meter would use for "silence". */
const AUDIBLE_DB = -45;
