import { AudioDecodeError, decodeAudio } from '../../audio/decode.js';
import { durationOf } from '../../audio/dsp.js';
import type { PcmAudio } from '../../audio/types.js';
import { isWav } from '../../audio/wav-parse.js';
import type { ReferenceInspection } from '../contract.js';
import type { SileroVad } from '../silero/vad.js';

/** Decodes an upload; undecodable input is an answer (415 upstream), not an exception. */
export async function decodeReference(
  bytes: Uint8Array,
): Promise<{ audio: PcmAudio; format: 'wav' | 'mp3' } | { error: string }> {
  try {
    const audio = await decodeAudio(bytes);
    return { audio, format: isWav(bytes) ? 'wav' : 'mp3' };
  } catch (err) {
    if (err instanceof AudioDecodeError) return { error: err.message };
    throw err;
  }
}

/**
 * Measures what an upload really holds: decoded samples, never the header's claims, and speech as
 * Silero hears it (music, noise and long pauses do not count towards the minimum).
 */
export async function inspectReference(bytes: Uint8Array, vad: SileroVad): Promise<ReferenceInspection> {
  const decoded = await decodeReference(bytes);
  if ('error' in decoded) return { ok: false, reason: decoded.error };
  const { audio, format } = decoded;
  return {
    ok: true,
    format,
    sampleRate: audio.sampleRate,
    durationSeconds: durationOf(audio),
    speechSeconds: (await vad.detect(audio)).speechSeconds,
  };
}
