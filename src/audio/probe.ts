import { checkDuration, checkSampleRate, type DecodeLimits } from './limits.js';
import { findMpegStart, mpegChainSeconds } from './mpeg-sniff.js';
import type { AudioFormat } from './types.js';
import { isWav, readWav } from './wav-parse.js';

export interface DeclaredLength {
  format: AudioFormat;
  sampleRate: number;
  seconds: number;
  /** Counted from MP3 frames: the file holds at least this much (the count may stop early). */
  atLeast: boolean;
}

/**
 * How long a recording is by header arithmetic alone, in microseconds of work and no decoding: a
 * WAV's sample frames over its sample rate, an MP3's frames counted header by header. The MP3 count
 * stops a little past `stopAfterSeconds` (so a huge file is not walked to its end) and at the first
 * break in the frame chain, so it may say less than the file holds, never more. `undefined` when the
 * format is not recognised or the headers are broken: the decoder then says what is wrong.
 */
export function declaredLength(bytes: Uint8Array, stopAfterSeconds = Infinity): DeclaredLength | undefined {
  if (isWav(bytes)) {
    let wav;
    try {
      wav = readWav(bytes);
    } catch {
      return undefined;
    }
    if (wav.kind === 'pcm')
      return {
        format: 'wav',
        sampleRate: wav.sampleRate,
        seconds: wav.frames / wav.sampleRate,
        atLeast: false,
      };
    const mp3 = mpegLength(wav.data, stopAfterSeconds);
    return mp3 && { ...mp3, format: 'wav' };
  }
  return mpegLength(bytes, stopAfterSeconds);
}

/**
 * Refuses, before anything is decoded, a recording whose headers already show it is too long or
 * sampled too coarsely. Passing proves nothing: the decoder enforces the same limits on what it
 * really decodes.
 */
export function checkDeclaredLength(bytes: Uint8Array, limits: DecodeLimits): void {
  const declared = declaredLength(bytes, limits.maxSeconds);
  if (!declared) return;
  checkSampleRate(declared.sampleRate);
  checkDuration(declared.seconds * declared.sampleRate, declared.sampleRate, limits, declared.atLeast);
}

function mpegLength(bytes: Uint8Array, stopAfterSeconds: number): DeclaredLength | undefined {
  const start = findMpegStart(bytes);
  if (start < 0) return undefined;
  const chain = mpegChainSeconds(bytes, start, stopAfterSeconds);
  return chain && { format: 'mp3', ...chain, atLeast: true };
}
