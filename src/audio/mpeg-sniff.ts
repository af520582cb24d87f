/**
 * Finds where MPEG audio frames start, so MP3 is recognised by content: an ID3v2 tag, or a frame
 * header whose computed length lands on another valid header (one sync word alone matches random
 * bytes far too often).
 */

const SAMPLE_RATES: Record<number, readonly number[]> = {
  3: [44100, 48000, 32000], // MPEG-1
  2: [22050, 24000, 16000], // MPEG-2
  0: [11025, 12000, 8000], // MPEG-2.5
};

// kbit/s by [isMpeg1][layer] where layer is 1..3; index 0 (free format) and 15 (bad) are excluded.
const BITRATES = {
  v1: {
    1: [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    2: [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    3: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  },
  v2: {
    1: [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    3: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  },
} as const;

const MAX_ID3_TAGS = 16;

interface FrameHeader {
  version: number;
  layer: 1 | 2 | 3;
  sampleRate: number;
  length: number;
  /** Samples per channel the frame decodes to. */
  samples: number;
}

export function parseFrameHeader(bytes: Uint8Array, i: number): FrameHeader | null {
  if (i + 4 > bytes.length) return null;
  const b1 = bytes[i + 1]!;
  const b2 = bytes[i + 2]!;
  if (bytes[i] !== 0xff || (b1 & 0xe0) !== 0xe0) return null;
  const version = (b1 >> 3) & 3;
  const layerBits = (b1 >> 1) & 3;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  const rates = SAMPLE_RATES[version];
  if (!rates || layerBits === 0 || rateIndex === 3 || bitrateIndex === 0 || bitrateIndex === 15) return null;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const sampleRate = rates[rateIndex]!;
  const kbps = (version === 3 ? BITRATES.v1 : BITRATES.v2)[layer][bitrateIndex]!;
  const padding = (b2 >> 1) & 1;
  let length: number;
  if (layer === 1) length = (Math.floor((12000 * kbps) / sampleRate) + padding) * 4;
  else if (layer === 3 && version !== 3) length = Math.floor((72000 * kbps) / sampleRate) + padding;
  else length = Math.floor((144000 * kbps) / sampleRate) + padding;
  const samples = layer === 1 ? 384 : layer === 3 && version !== 3 ? 576 : 1152;
  return { version, layer, sampleRate, length, samples };
}

/** Byte length of the ID3v2 tag at `offset` (header, body and optional footer), or 0 if none. */
function id3Length(bytes: Uint8Array, offset: number): number {
  if (offset + 10 > bytes.length) return 0;
  if (bytes[offset] !== 0x49 || bytes[offset + 1] !== 0x44 || bytes[offset + 2] !== 0x33) return 0;
  // Tag size is "synchsafe": four 7-bit bytes.
  let size = 0;
  for (let k = 6; k < 10; k++) {
    const b = bytes[offset + k]!;
    if (b & 0x80) return 0;
    size = (size << 7) | b;
  }
  const hasFooter = (bytes[offset + 5]! & 0x10) !== 0;
  return 10 + size + (hasFooter ? 10 : 0);
}

/**
 * Offset of the first MPEG audio frame, or -1 if the bytes do not look like an MPEG stream. Without an
 * ID3 tag the frames must begin almost immediately; after a tag some encoders leave padding, so a
 * wider window is searched there.
 */
export function findMpegStart(bytes: Uint8Array): number {
  let start = 0;
  let tagged = false;
  // Files carry one tag, rarely two; a pile of empty ones is not worth walking (10 bytes apiece).
  for (
    let n = 0, len = id3Length(bytes, 0);
    len > 0 && n < MAX_ID3_TAGS;
    n++, len = id3Length(bytes, start)
  ) {
    start += len;
    tagged = true;
  }
  const searchEnd = Math.min(bytes.length, start + (tagged ? 65536 : 4096));
  for (let i = start; i < searchEnd; i++) {
    const h = parseFrameHeader(bytes, i);
    if (!h) continue;
    const next = i + h.length;
    if (next === bytes.length) return i; // A single-frame file.
    const n = parseFrameHeader(bytes, next);
    if (n && n.version === h.version && n.layer === h.layer && n.sampleRate === h.sampleRate) return i;
  }
  return -1;
}

/**
 * Seconds of audio in the chain of frames that starts at `start`, counted header by header from each
 * frame's own bit rate and sample rate, without decoding. The count ends at the first byte that does
 * not continue the chain (junk, a tag, a change of format) or once it passes `stopAfterSeconds`, so it
 * is a lower bound that never inflates: safe for refusing early, never proof that a file is short.
 */
export function mpegChainSeconds(
  bytes: Uint8Array,
  start: number,
  stopAfterSeconds = Infinity,
): { seconds: number; sampleRate: number } | undefined {
  const first = parseFrameHeader(bytes, start);
  if (!first) return undefined;
  const limit = stopAfterSeconds * first.sampleRate;
  let samples = 0;
  let pos = start;
  while (samples <= limit) {
    const h = parseFrameHeader(bytes, pos);
    const sameStream =
      h && h.version === first.version && h.layer === first.layer && h.sampleRate === first.sampleRate;
    // A truncated last frame is not counted either.
    if (!sameStream || pos + h.length > bytes.length) break;
    samples += h.samples;
    pos += h.length;
  }
  return { seconds: samples / first.sampleRate, sampleRate: first.sampleRate };
}
