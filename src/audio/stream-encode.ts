import { assertSampleRate } from './dsp.js';

/**
 * Encoders for audio sent while it is still being made: each takes the program piece by piece
 * (`push`) and returns the bytes that can leave now; `end` returns what remains. Concatenating every
 * returned chunk gives one valid file or stream.
 */
export interface StreamEncoder {
  readonly contentType: string;
  push(samples: Float32Array): Uint8Array;
  end(): Uint8Array;
}

export type StreamFormat = 'mp3' | 'wav' | 'pcm';
export const STREAM_FORMATS: readonly StreamFormat[] = ['mp3', 'wav', 'pcm'];

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

/** Float samples as raw signed 16-bit little-endian PCM (explicit byte order: Int16Array follows the host). */
export function pcm16le(samples: Float32Array): Uint8Array {
  const pcm = toInt16(samples);
  const out = new Uint8Array(pcm.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < pcm.length; i++) view.setInt16(i * 2, pcm[i]!, true);
  return out;
}

/** Size fields of a WAV whose length is not known when its header leaves: the largest value, as ffmpeg writes. */
export const WAV_UNKNOWN_SIZE = 0xffffffff;

/**
 * The canonical 44-byte header of 16-bit mono PCM WAV. Without `dataBytes` the RIFF and data sizes
 * are 0xFFFFFFFF ("until the end of the stream"), which ffmpeg, sox and browsers read to the end.
 */
export function wavHeader(sampleRate: number, dataBytes?: number): Uint8Array {
  assertSampleRate(sampleRate);
  const out = new Uint8Array(44);
  const view = new DataView(out.buffer);
  const id = (offset: number, s: string): void => {
    for (let i = 0; i < 4; i++) out[offset + i] = s.charCodeAt(i);
  };
  id(0, 'RIFF');
  view.setUint32(4, dataBytes === undefined ? WAV_UNKNOWN_SIZE : 36 + dataBytes, true);
  id(8, 'WAVE');
  id(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  id(36, 'data');
  view.setUint32(40, dataBytes ?? WAV_UNKNOWN_SIZE, true);
  return out;
}

class PcmStream implements StreamEncoder {
  readonly contentType = 'audio/pcm';
  push(samples: Float32Array): Uint8Array {
    return pcm16le(samples);
  }
  end(): Uint8Array {
    return new Uint8Array(0);
  }
}

class WavStream implements StreamEncoder {
  readonly contentType = 'audio/wav';
  private header: Uint8Array | null;
  constructor(sampleRate: number) {
    this.header = wavHeader(sampleRate);
  }
  push(samples: Float32Array): Uint8Array {
    const body = pcm16le(samples);
    if (!this.header) return body;
    const out = concatBytes([this.header, body]);
    this.header = null;
    return out;
  }
  end(): Uint8Array {
    const rest = this.header ?? new Uint8Array(0);
    this.header = null;
    return rest;
  }
}

/** WAV and raw PCM streams (MP3 is encoded on the engine threads: engine/stream.ts). */
export function streamEncoder(format: 'wav' | 'pcm', sampleRate: number): StreamEncoder {
  return format === 'wav' ? new WavStream(sampleRate) : new PcmStream();
}

/** Byte arrays end to end (the one array itself when there is one). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
