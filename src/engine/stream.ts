import { cutInSilence, trailingZeros } from '../audio/chunk-cut.js';
import { mp3FrameSamples } from '../audio/mp3-lame.js';
import { type StreamFormat, streamEncoder } from '../audio/stream-encode.js';
import type { AudioBackend } from './contract.js';

/**
 * An encoder for audio sent while it is still being made: each piece of the programme is pushed in
 * order and the bytes that can leave now come back; `end` gives the rest. All the returned bytes
 * together are one valid stream.
 */
export interface ProgramStream {
  readonly contentType: string;
  push(samples: Float32Array): Promise<Uint8Array>;
  end(): Promise<Uint8Array>;
}

/** WAV and PCM are converted where they are; MP3 is encoded on the engine threads (Mp3ChunkStream). */
export function programStream(
  backend: Pick<AudioBackend, 'mixChunk'>,
  format: StreamFormat,
  sampleRate: number,
  mp3Kbps: number,
  signal?: AbortSignal,
): ProgramStream {
  if (format === 'mp3') return new Mp3ChunkStream(backend, sampleRate, mp3Kbps, signal);
  const encoder = streamEncoder(format, sampleRate);
  return {
    contentType: encoder.contentType,
    push: (samples) => Promise.resolve(encoder.push(samples)),
    end: () => Promise.resolve(encoder.end()),
  };
}

/**
 * MP3 off the event loop. Samples wait here until they end in a pause long enough to cut in
 * (audio/chunk-cut.ts); everything before the cut is then encoded on a worker by a fresh encoder and
 * sent, frame-exact with what follows. A pusher that puts the pause after each sentence gets each
 * sentence's audio back from its own push.
 */
class Mp3ChunkStream implements ProgramStream {
  readonly contentType = 'audio/mpeg';
  private pending: Float32Array = new Float32Array(0);

  constructor(
    private readonly backend: Pick<AudioBackend, 'mixChunk'>,
    private readonly sampleRate: number,
    private readonly kbps: number,
    private readonly signal?: AbortSignal,
  ) {}

  async push(samples: Float32Array): Promise<Uint8Array> {
    const all = concatSamples(this.pending, samples);
    const silence = all.length - trailingZeros(all);
    const cut = cutInSilence(silence, all.length, 'mp3', this.sampleRate);
    if (cut === undefined) {
      this.pending = all;
      return new Uint8Array(0);
    }
    this.pending = all.slice(cut);
    return this.encode(all.slice(0, cut), cut / mp3FrameSamples(this.sampleRate));
  }

  async end(): Promise<Uint8Array> {
    const rest = this.pending;
    this.pending = new Float32Array(0);
    return this.encode(rest, undefined);
  }

  private async encode(samples: Float32Array, keepFrames: number | undefined): Promise<Uint8Array> {
    const length = samples.length;
    const chunk = await this.backend.mixChunk(
      {
        sampleRate: this.sampleRate,
        encoding: 'mp3',
        mp3Kbps: this.kbps,
        length,
        segments: [{ samples, sampleRate: this.sampleRate, at: 0 }],
        keepFrames,
      },
      this.signal,
    );
    return chunk.bytes;
  }
}

function concatSamples(a: Float32Array, b: Float32Array): Float32Array {
  if (a.length === 0) return b.slice();
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
