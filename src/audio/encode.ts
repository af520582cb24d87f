import { assertSampleRate } from './dsp.js';
import { concatBytes, pcm16le, wavHeader } from './stream-encode.js';
import type { PcmAudio } from './types.js';

/** 16-bit PCM mono RIFF/WAVE with the canonical 44-byte header: what a job's WAV file is, whole. */
export function encodeWav(audio: PcmAudio): Uint8Array {
  assertSampleRate(audio.sampleRate);
  return concatBytes([wavHeader(audio.sampleRate, audio.samples.length * 2), pcm16le(audio.samples)]);
}
