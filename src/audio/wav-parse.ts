/**
 * Minimal RIFF/WAVE reader. Written rather than using node-wav because that package builds typed-array
 * views at the data offset (throws on odd offsets), scales negative and positive values differently and
 * trusts the data chunk size; real uploads break all three assumptions.
 */

/** Thrown for anything the parser cannot make sense of; decodeAudio turns it into a user-facing error. */
export class WavFormatError extends Error {}

const FORMAT_PCM = 0x0001;
const FORMAT_IEEE_FLOAT = 0x0003;
const FORMAT_MPEG_LAYER3 = 0x0055;
const FORMAT_EXTENSIBLE = 0xfffe;
const MAX_CHUNKS = 1024;

/**
 * A PCM or float WAV, not decoded yet: its layout and where the samples are. The frame count is exact
 * (it is the bytes present), so callers check it against their limits before anything is allocated.
 */
export interface WavPcm {
  kind: 'pcm';
  sampleRate: number;
  channels: number;
  /** Bytes per frame (all channels, plus any padding blockAlign declares). */
  frameBytes: number;
  frames: number;
  data: Uint8Array;
  read: SampleReader;
  bytesPerSample: number;
}

/** A WAV wrapper around MP3 frames (format tag 0x55); the caller decodes the payload. */
export interface WavMp3Payload {
  kind: 'mp3';
  data: Uint8Array;
}

interface FmtChunk {
  formatTag: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
}

export function isWav(bytes: Uint8Array): boolean {
  const id = ascii(bytes, 0);
  return (id === 'RIFF' || id === 'RF64') && ascii(bytes, 8) === 'WAVE';
}

/** Walks the chunks and validates the format; samples are decoded later by decodePcmMono. */
export function readWav(bytes: Uint8Array): WavPcm | WavMp3Payload {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: FmtChunk | undefined;
  let data: { offset: number; size: number } | undefined;

  // The RIFF size field is ignored: it is often wrong (streamed writers leave 0 or 0xFFFFFFFF) and the
  // chunk walk below is bounded by the real byte length anyway, and by a chunk count: real files have
  // a handful, and 30 MB of empty chunks must not cost millions of steps (the server walks them on
  // its main thread to check the length before decoding).
  let pos = 12;
  for (let chunks = 0; pos + 8 <= bytes.length; chunks++) {
    if (chunks >= MAX_CHUNKS) throw new WavFormatError('WAV file has too many chunks');
    const id = ascii(bytes, pos);
    let size = view.getUint32(pos + 4, true);
    const body = pos + 8;
    if (id === 'fmt ') {
      fmt = readFmt(view, body, Math.min(size, bytes.length - body));
    } else if (id === 'data') {
      const remaining = bytes.length - body;
      // 0xFFFFFFFF (RF64 / unseekable writers) and oversize claims both mean "up to the end of the file".
      // A zero size followed by something that is not a chunk header is the same streaming case.
      if (size > remaining || (size === 0 && remaining > 0 && !looksLikeChunkId(bytes, body)))
        size = remaining;
      data ??= { offset: body, size };
      if (fmt) break; // Everything after the samples is metadata we do not need.
    } else if (size > bytes.length - body) {
      break; // A truncated metadata chunk; keep whatever was found before it.
    }
    // Chunks are word aligned: an odd-sized body is followed by one pad byte.
    pos = body + size + (size & 1);
  }

  if (!fmt) throw new WavFormatError('WAV file has no format chunk');
  if (!data) throw new WavFormatError('WAV file has no audio data');
  const payload = bytes.subarray(data.offset, data.offset + data.size);
  if (fmt.formatTag === FORMAT_MPEG_LAYER3) return { kind: 'mp3', data: payload };
  return pcmLayout(fmt, payload);
}

function readFmt(view: DataView, offset: number, size: number): FmtChunk {
  if (size < 16) throw new WavFormatError('WAV format chunk is too short');
  let formatTag = view.getUint16(offset, true);
  const channels = view.getUint16(offset + 2, true);
  const sampleRate = view.getUint32(offset + 4, true);
  const blockAlign = view.getUint16(offset + 12, true);
  const bitsPerSample = view.getUint16(offset + 14, true);
  if (formatTag === FORMAT_EXTENSIBLE) {
    // WAVEFORMATEXTENSIBLE: the real format is the first two bytes of the SubFormat GUID. The
    // "valid bits" field does not matter for decoding because samples are left-justified in their container.
    if (size < 26) throw new WavFormatError('WAV extensible format chunk is too short');
    formatTag = view.getUint16(offset + 24, true);
  }
  return { formatTag, channels, sampleRate, blockAlign, bitsPerSample };
}

function pcmLayout(fmt: FmtChunk, data: Uint8Array): WavPcm {
  const { formatTag, channels, sampleRate, bitsPerSample } = fmt;
  if (channels < 1) throw new WavFormatError('WAV file declares no channels');
  if (sampleRate < 1) throw new WavFormatError('WAV file declares no sample rate');
  const bytesPerSample = Math.ceil(bitsPerSample / 8);
  const read = sampleReader(formatTag, bytesPerSample);
  // Derive the frame size ourselves; some writers put nonsense in blockAlign, but a larger value
  // (padding after each frame) is legitimate and must be honoured. The header's byte-rate field is
  // not used at all: decoding never reads it, so a lie there cannot change what is counted.
  const frameBytes = Math.max(channels * bytesPerSample, fmt.blockAlign);
  const frames = Math.floor(data.length / frameBytes);
  return { kind: 'pcm', sampleRate, channels, frameBytes, frames, data, read, bytesPerSample };
}

/** The samples averaged to mono as they are read: one output array, never one per channel. */
export function decodePcmMono(wav: WavPcm): Float32Array {
  const { channels, frameBytes, frames, data, read, bytesPerSample } = wav;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new Float32Array(frames);
  const scale = 1 / channels;
  for (let i = 0, offset = 0; i < frames; i++, offset += frameBytes) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += read(view, offset + c * bytesPerSample);
    out[i] = sum * scale;
  }
  return out;
}

export type SampleReader = (view: DataView, offset: number) => number;

// Integer PCM is scaled by 2^(bits-1) for both signs, so encode/decode of k/32768 round-trips exactly.
function sampleReader(formatTag: number, bytesPerSample: number): SampleReader {
  if (formatTag === FORMAT_PCM) {
    switch (bytesPerSample) {
      case 1:
        return (v, o) => (v.getUint8(o) - 128) / 128; // 8-bit WAV is the one unsigned format.
      case 2:
        return (v, o) => v.getInt16(o, true) / 32768;
      case 3:
        return (v, o) => ((v.getUint8(o + 2) << 24) | (v.getUint16(o, true) << 8)) / 2147483648;
      case 4:
        return (v, o) => v.getInt32(o, true) / 2147483648;
    }
  } else if (formatTag === FORMAT_IEEE_FLOAT) {
    if (bytesPerSample === 4) return (v, o) => v.getFloat32(o, true);
    if (bytesPerSample === 8) return (v, o) => v.getFloat64(o, true);
  }
  throw new WavFormatError(`unsupported WAV encoding (format ${formatTag}, ${bytesPerSample * 8}-bit)`);
}

function ascii(bytes: Uint8Array, offset: number): string {
  if (offset + 4 > bytes.length) return '';
  return String.fromCharCode(bytes[offset]!, bytes[offset + 1]!, bytes[offset + 2]!, bytes[offset + 3]!);
}

function looksLikeChunkId(bytes: Uint8Array, offset: number): boolean {
  if (offset + 8 > bytes.length) return false;
  for (let i = 0; i < 4; i++) {
    const b = bytes[offset + i]!;
    if (b < 0x20 || b > 0x7e) return false;
  }
  return true;
}
