import { MPEGDecoder } from 'mpg123-decoder';
import { findMpegStart } from './mpeg-sniff.js';
import type { PcmAudio } from './types.js';
import { isWav, parseWav, WavFormatError } from './wav-parse.js';

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

// Outside this range the file is either corrupt or something no voice pipeline should accept.
const MIN_RATE = 1000;
const MAX_RATE = 768000;

/**
 * Decodes WAV or MP3 bytes to mono PCM. The format is recognised from the content only; file names
 * and header durations are not trusted.
 */
export async function decodeAudio(bytes: Uint8Array): Promise<PcmAudio> {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new AudioDecodeError('The file is empty.');
  if (isWav(bytes)) return decodeWav(bytes);
  const mpegStart = findMpegStart(bytes);
  if (mpegStart >= 0) return decodeMpeg(bytes.subarray(mpegStart));
  throw new AudioDecodeError('Unrecognised audio format; expected WAV or MP3.');
}

async function decodeWav(bytes: Uint8Array): Promise<PcmAudio> {
  let wav;
  try {
    wav = parseWav(bytes);
  } catch (err) {
    const message =
      err instanceof WavFormatError && err.message.startsWith('unsupported')
        ? 'Unsupported WAV encoding; use PCM or floating-point WAV.'
        : 'The WAV file is damaged or incomplete.';
    throw new AudioDecodeError(message, { cause: err });
  }
  if (wav.kind === 'mp3') return decodeMpeg(wav.data);
  return finish(wav.channelData, wav.sampleRate);
}

async function decodeMpeg(bytes: Uint8Array): Promise<PcmAudio> {
  const decoder = new MPEGDecoder();
  try {
    await decoder.ready;
    const result = decoder.decode(bytes);
    if (result.samplesDecoded === 0) throw new AudioDecodeError('The MP3 file contains no decodable audio.');
    return finish(
      result.channelData.map((ch) => ch.subarray(0, result.samplesDecoded)),
      result.sampleRate,
    );
  } catch (err) {
    if (err instanceof AudioDecodeError) throw err;
    throw new AudioDecodeError('The MP3 file could not be decoded.', { cause: err });
  } finally {
    decoder.free();
  }
}

/** Downmix by averaging, then reject what later stages cannot use. */
function finish(channels: Float32Array[], sampleRate: number): PcmAudio {
  const length = channels[0]?.length ?? 0;
  if (length === 0) throw new AudioDecodeError('The file contains no audio samples.');
  if (!(sampleRate >= MIN_RATE && sampleRate <= MAX_RATE)) {
    throw new AudioDecodeError('The file has an unsupported sample rate.');
  }
  const out = new Float32Array(length);
  const scale = 1 / channels.length;
  for (const ch of channels) {
    for (let i = 0; i < length; i++) out[i] = out[i]! + ch[i]! * scale;
  }
  for (let i = 0; i < length; i++) {
    const v = out[i]!;
    if (!Number.isFinite(v)) throw new AudioDecodeError('The file contains invalid sample values.');
    // Float WAVs may exceed full scale; the rest of the pipeline assumes [-1, 1].
    if (v > 1) out[i] = 1;
    else if (v < -1) out[i] = -1;
  }
  return { samples: out, sampleRate };
}
