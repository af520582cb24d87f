import { assertSampleRate } from './dsp.js';
import type { PcmAudio } from './types.js';

/** Float to 16-bit with clipping; scale 32768 mirrors the decoder, so k/32768 values survive a round trip. */
export function toInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.round(samples[i]! * 32768);
    // NaN compares false everywhere and would become 0 through the Int16Array store, which is what we want.
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return out;
}

/** 16-bit PCM mono RIFF/WAVE with the canonical 44-byte header. */
export function encodeWav(audio: PcmAudio): Uint8Array {
  assertSampleRate(audio.sampleRate);
  const pcm = toInt16(audio.samples);
  const dataBytes = pcm.length * 2;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const writeId = (offset: number, id: string): void => {
    for (let i = 0; i < 4; i++) out[offset + i] = id.charCodeAt(i);
  };
  writeId(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  writeId(8, 'WAVE');
  writeId(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, audio.sampleRate, true);
  view.setUint32(28, audio.sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  writeId(36, 'data');
  view.setUint32(40, dataBytes, true);
  // Explicit little-endian writes: Int16Array byte order follows the host.
  for (let i = 0; i < pcm.length; i++) view.setInt16(44 + i * 2, pcm[i]!, true);
  return out;
}
