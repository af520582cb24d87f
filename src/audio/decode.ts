import { MPEGDecoder } from 'mpg123-decoder';
import {
  AudioLimitError,
  checkDuration,
  checkSampleRate,
  DEFAULT_DECODE_LIMITS,
  type DecodeLimits,
  maxFrames,
} from './limits.js';
import { findMpegStart } from './mpeg-sniff.js';
import { checkDeclaredLength } from './probe.js';
import type { PcmAudio } from './types.js';
import { decodePcmMono, isWav, readWav, WavFormatError } from './wav-parse.js';

/**
 * The upload could not be turned into audio. `message` is short and safe to show to users; details,
 * when there are any, are on `cause` for logs.
 */
export class AudioDecodeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AudioDecodeError';
  }
}

// Above this the file is corrupt rather than a recording (too low is a limit: limits.ts).
const MAX_RATE = 768000;
/** MP3 bytes fed to the decoder at a time: the most a limit check can lag behind (seconds at 8 kbit/s). */
const MPEG_CHUNK = 16384;

/**
 * Decodes WAV or MP3 bytes to mono PCM. The format is recognised from the content only; file names
 * and header durations are not trusted. A recording the headers already show is too long is refused
 * before decoding; one that only turns out too long while decoding is refused there, with no more
 * samples held than the limit allows. Throws AudioDecodeError or AudioLimitError.
 */
export async function decodeAudio(
  bytes: Uint8Array,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): Promise<PcmAudio> {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new AudioDecodeError('The file is empty.');
  checkDeclaredLength(bytes, limits);
  return decodeWithin(bytes, limits);
}

/** The decoder proper: it trusts no header check done before it and enforces the limits itself. */
export async function decodeWithin(bytes: Uint8Array, limits: DecodeLimits): Promise<PcmAudio> {
  if (isWav(bytes)) return decodeWav(bytes, limits);
  const mpegStart = findMpegStart(bytes);
  if (mpegStart >= 0) return decodeMpeg(bytes.subarray(mpegStart), limits);
  throw new AudioDecodeError('Unrecognised audio format; expected WAV or MP3.');
}

async function decodeWav(bytes: Uint8Array, limits: DecodeLimits): Promise<PcmAudio> {
  let wav;
  try {
    wav = readWav(bytes);
  } catch (err) {
    const message =
      err instanceof WavFormatError && err.message.startsWith('unsupported')
        ? 'Unsupported WAV encoding; use PCM or floating-point WAV.'
        : 'The WAV file is damaged or incomplete.';
    throw new AudioDecodeError(message, { cause: err });
  }
  if (wav.kind === 'mp3') return decodeMpeg(wav.data, limits);
  checkRate(wav.sampleRate);
  // PCM's frame count is exact before decoding, so nothing is allocated for a file over the limit.
  checkDuration(wav.frames, wav.sampleRate, limits);
  return finish(decodePcmMono(wav), wav.sampleRate);
}

/**
 * Feeds the stream in small pieces and downmixes each piece into one growing mono buffer, stopping
 * as soon as the decoded length passes the limit: what is held never exceeds the limit by more
 * than one piece, however many hours the stream would decode to.
 */
async function decodeMpeg(bytes: Uint8Array, limits: DecodeLimits): Promise<PcmAudio> {
  const decoder = new MPEGDecoder();
  try {
    await decoder.ready;
    let out: MonoBuffer | undefined;
    for (let pos = 0; pos < bytes.length; pos += MPEG_CHUNK) {
      const piece = decoder.decode(bytes.subarray(pos, pos + MPEG_CHUNK));
      if (piece.samplesDecoded === 0) continue;
      if (!out) {
        checkRate(piece.sampleRate);
        out = new MonoBuffer(piece.sampleRate, limits);
      } else if (piece.sampleRate !== out.sampleRate) {
        throw new AudioDecodeError('The MP3 file changes its sample rate part way through.');
      }
      out.append(piece.channelData, piece.samplesDecoded);
    }
    if (!out) throw new AudioDecodeError('The MP3 file contains no decodable audio.');
    return finish(out.samples(), out.sampleRate);
  } catch (err) {
    if (err instanceof AudioDecodeError || err instanceof AudioLimitError) throw err;
    throw new AudioDecodeError('The MP3 file could not be decoded.', { cause: err });
  } finally {
    decoder.free();
  }
}

/** Mono samples appended piece by piece, refused once past the limit; grows by doubling up to it. */
class MonoBuffer {
  private buf: Float32Array;
  private length = 0;
  private readonly max: number;

  constructor(
    readonly sampleRate: number,
    private readonly limits: DecodeLimits,
  ) {
    this.max = maxFrames(sampleRate, limits);
    this.buf = new Float32Array(Math.min(this.max, sampleRate * 30));
  }

  append(channels: Float32Array[], count: number): void {
    const total = this.length + count;
    checkDuration(total, this.sampleRate, this.limits, true);
    if (total > this.buf.length) {
      const grown = new Float32Array(Math.min(this.max, Math.max(total, this.buf.length * 2)));
      grown.set(this.buf.subarray(0, this.length));
      this.buf = grown;
    }
    const scale = 1 / channels.length;
    for (let i = 0; i < count; i++) {
      let sum = 0;
      for (const ch of channels) sum += ch[i]!;
      this.buf[this.length + i] = sum * scale;
    }
    this.length = total;
  }

  /** A view: the spare capacity (less than half) is not copied away. */
  samples(): Float32Array {
    return this.buf.subarray(0, this.length);
  }
}

function checkRate(sampleRate: number): void {
  if (!(sampleRate <= MAX_RATE)) throw new AudioDecodeError('The file has an unsupported sample rate.');
  checkSampleRate(sampleRate);
}

/** Rejects what later stages cannot use, and clamps into [-1, 1] in place. */
function finish(samples: Float32Array, sampleRate: number): PcmAudio {
  if (samples.length === 0) throw new AudioDecodeError('The file contains no audio samples.');
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!;
    if (!Number.isFinite(v)) throw new AudioDecodeError('The file contains invalid sample values.');
    // Float WAVs may exceed full scale; the rest of the pipeline assumes [-1, 1].
    if (v > 1) samples[i] = 1;
    else if (v < -1) samples[i] = -1;
  }
  return { samples, sampleRate };
}
