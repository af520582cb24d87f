import { AudioDecodeError, decodeAudio } from '../../audio/decode.js';
import { durationOf } from '../../audio/dsp.js';
import { AudioLimitError, type DecodeLimits } from '../../audio/limits.js';
import type { PcmAudio } from '../../audio/types.js';
import { isWav } from '../../audio/wav-parse.js';
import type { ReferenceInspection } from '../contract.js';
import type { SileroVad } from '../silero/vad.js';

type Refusal = Extract<ReferenceInspection, { ok: false }>;

/** Decodes an upload within the limits; undecodable or out-of-limit input is an answer, not an exception. */
export async function decodeReference(
  bytes: Uint8Array,
  limits: DecodeLimits,
): Promise<{ audio: PcmAudio; format: 'wav' | 'mp3' } | Refusal> {
  try {
    const audio = await decodeAudio(bytes, limits);
    return { audio, format: isWav(bytes) ? 'wav' : 'mp3' };
  } catch (err) {
    if (err instanceof AudioDecodeError) return { ok: false, reason: err.message };
    if (err instanceof AudioLimitError) return { ok: false, reason: err.message, breach: err.breach };
    throw err;
  }
}

/**
 * Measures what an upload really holds: decoded samples, never the header's claims, and speech as
 * Silero hears it (music, noise and long pauses do not count towards the minimum).
 */
export async function inspectReference(
  bytes: Uint8Array,
  limits: DecodeLimits,
  vad: SileroVad,
): Promise<ReferenceInspection> {
  const decoded = await decodeReference(bytes, limits);
  if ('reason' in decoded) return decoded;
  const { audio, format } = decoded;
  return {
    ok: true,
    format,
    sampleRate: audio.sampleRate,
    durationSeconds: durationOf(audio),
    speechSeconds: (await vad.detect(audio)).speechSeconds,
  };
}
