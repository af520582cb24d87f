import type { PcmAudio } from '../../audio/types.js';
import { trimSilence } from '../../audio/vad.js';
import { DEFAULT_VAD, type SileroVad } from './vad.js';

/**
 * Trimming keeps short edge words ("Hi.") that detection for measurement would drop, and a little
 * more air around the speech so releases are not clipped.
 */
const TRIM_VAD = { ...DEFAULT_VAD, minSpeech: 0.05, pad: 0.06 };

/**
 * Cuts a synthesized segment to where Silero hears speech: neural voices start and end with breath
 * and low noise that a level threshold keeps. When Silero hears no speech at all (a tone, a
 * whisper, a test graph) the segment is trimmed by level instead of being dropped.
 */
export async function trimToSpeech(
  vad: SileroVad,
  audio: PcmAudio,
): Promise<{ audio: PcmAudio; offsetSeconds: number }> {
  if (audio.samples.length === 0) return { audio, offsetSeconds: 0 };
  const span = await vad.speechSpan(audio, TRIM_VAD);
  if (!span) return trimSilence(audio);
  const fs = audio.sampleRate;
  const start = Math.max(0, Math.floor(span.start * fs));
  const end = Math.min(audio.samples.length, Math.ceil(span.end * fs));
  return { audio: { samples: audio.samples.slice(start, end), sampleRate: fs }, offsetSeconds: start / fs };
}
