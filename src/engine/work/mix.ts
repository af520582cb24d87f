import { durationOf } from '../../audio/dsp.js';
import { encodeMp3, encodeWav } from '../../audio/encode.js';
import { mixProgram } from '../../audio/mix.js';
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
  const tail = Math.round(req.tailSeconds * req.sampleRate);
  const padded = new Float32Array(audio.samples.length + tail);
  padded.set(audio.samples);
  const program = { samples: padded, sampleRate: req.sampleRate };
  const bytes = req.format === 'mp3' ? encodeMp3(program, req.mp3Kbps) : encodeWav(program);
  return { bytes, durationSeconds: durationOf(program), placements };
}
