import { Mp3Encoder } from '@breezystack/lamejs';
import { assertSampleRate } from './dsp.js';
import { withInfoTag } from './mp3-info-tag.js';
import { parseFrameHeader } from './mpeg-sniff.js';
import type { PcmAudio } from './types.js';

/**
 * Rates an MPEG-1/2/2.5 Layer III stream can carry, with the lowest mono bitrate at which the LAME
 * core keeps that rate. Below it LAME silently resamples to a lower rate (its "optimal" rate for the
 * bitrate) and lamejs gives no way to forbid that, so requests are raised to this floor. Measured
 * against @breezystack/lamejs 1.2.7.
 */
const MPEG_RATES = new Map([
  [8000, 8],
  [11025, 16],
  [12000, 16],
  [16000, 16],
  [22050, 32],
  [24000, 40],
  [32000, 48],
  [44100, 64],
  [48000, 64],
]);
/** Samples handed to the encoder per call: one MPEG-1 frame. */
export const MP3_BLOCK = 1152;

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

/** The bitrate LAME will honour at this rate, nearest to the one asked for (see MPEG_RATES). */
export function mp3Bitrate(sampleRate: number, kbps: number): number {
  assertSampleRate(sampleRate);
  const minKbps = MPEG_RATES.get(sampleRate);
  if (minKbps === undefined) {
    throw new RangeError(`encodeMp3: ${sampleRate} Hz is not an MPEG sample rate; resample first`);
  }
  const maxKbps = sampleRate >= 32000 ? 320 : 160;
  return Math.min(maxKbps, Math.max(minKbps, Math.round(kbps)));
}

/**
 * Constant-bitrate mono MP3 with a LAME "Info" tag, so decoders trim the encoder delay and padding
 * and the decoded audio lines up sample for sample with the input. The bitrate is kept within what
 * the rate allows: MPEG-2/2.5 (below 32 kHz) tops out at 160 kbit/s, and see MPEG_RATES for the floor.
 */
export function encodeMp3(audio: PcmAudio, kbps = 128): Uint8Array {
  const bitrate = mp3Bitrate(audio.sampleRate, kbps);
  const encoder = new Mp3Encoder(1, audio.sampleRate, bitrate);
  const samples = audio.samples;
  const chunks: Uint8Array[] = [];
  // Converted block by block: a whole hour as 16-bit PCM would be another 317 MB at 44.1 kHz.
  for (let i = 0; i < samples.length; i += MP3_BLOCK) {
    const chunk = encoder.encodeBuffer(toInt16(samples.subarray(i, i + MP3_BLOCK)));
    if (chunk.length > 0) chunks.push(chunk.slice()); // The encoder reuses its output buffer.
  }
  const tail = encoder.flush();
  if (tail.length > 0) chunks.push(tail.slice());
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const stream = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    stream.set(c, offset);
    offset += c.length;
  }
  if (stream.length > 0 && parseFrameHeader(stream, 0)?.sampleRate !== audio.sampleRate) {
    // Guards the MPEG_RATES table against a different lamejs build.
    throw new Error(`encodeMp3: encoder changed the sample rate at ${bitrate} kbit/s`);
  }
  return withInfoTag(stream, samples.length);
}
