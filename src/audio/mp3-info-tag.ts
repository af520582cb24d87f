import { parseFrameHeader } from './mpeg-sniff.js';

/**
 * Prepends a Xing "Info" frame with a LAME extension to a CBR MP3 stream. Its only job that matters
 * is carrying the encoder delay and end padding: without it every decoder plays ~1100 samples of
 * encoder priming first, which shifts the audio against the captions and makes the file longer than
 * the program. ffmpeg, mpg123 and browsers read the tag and trim both ends, so the decoded length and
 * timing match the PCM that was encoded.
 */

/** Priming samples the LAME encoder adds; decoders add their own 529 on top. */
export const LAME_ENCODER_DELAY = 576;

const XING_BYTES = 120; // "Info" + flags + frames + bytes + 100-byte TOC + quality
const LAME_BYTES = 36;
const LAME_VERSION = 'LAME3.100';

/** What the tag records of the stream it goes before: counted as the frames are written, in any pieces. */
export class Mp3Tally {
  /** The first frame's header (the tag frame is made from it); undefined until a frame is seen. */
  header: Uint8Array | undefined;
  frames = 0;
  bytes = 0;
  /** CRC-16 of every frame byte (the tag's "music CRC"). */
  crc = 0;

  /** Adds whole frames (a chunk of them, in stream order). */
  add(frames: Uint8Array): void {
    for (let pos = 0; pos < frames.length; this.frames++) {
      const h = parseFrameHeader(frames, pos);
      if (!h) throw new Error('Mp3Tally: bytes that are not whole MPEG frames');
      pos += h.length;
    }
    if (!this.header && frames.length >= 4) this.header = frames.slice(0, 4);
    this.bytes += frames.length;
    this.crc = crc16(frames, 0, frames.length, this.crc);
  }
}

/** The whole stream with its Info frame in front (see infoTagFrame). */
export function withInfoTag(stream: Uint8Array, sampleCount: number): Uint8Array {
  const tally = new Mp3Tally();
  tally.add(stream);
  const tag = infoTagFrame(tally, sampleCount);
  if (tag.length === 0) return stream;
  const out = new Uint8Array(tag.length + stream.length);
  out.set(tag, 0);
  out.set(stream, tag.length);
  return out;
}

/** Length of the Info frame for a stream that starts with `header` (0: it gets none). */
export function infoTagLength(header: Uint8Array): number {
  return tagFrameHeader(header)?.length ?? 0;
}

/**
 * The Info frame for the stream `tally` counted, which encoded `sampleCount` samples; empty when the
 * stream is not Layer III or no frame of its rate can hold the tag.
 */
export function infoTagFrame(tally: Mp3Tally, sampleCount: number): Uint8Array {
  const header = tally.header && tagFrameHeader(tally.header);
  if (!header) return new Uint8Array(0);
  const first = parseFrameHeader(tally.header!, 0)!;
  const mpeg1 = first.version === 3;
  const samplesPerFrame = mpeg1 ? 1152 : 576;
  const mono = tally.header![3]! >> 6 === 3;
  const sideInfo = mpeg1 ? (mono ? 17 : 32) : mono ? 9 : 17;
  const total = header.length + tally.bytes;

  const tag = new Uint8Array(header.length);
  const view = new DataView(tag.buffer);
  tag.set(header.bytes, 0);
  let o = 4 + sideInfo; // Side information stays zero: an empty frame if a decoder ignores the tag.
  tag.set(ascii('Info'), o);
  view.setUint32(o + 4, 0x0f, false); // frames, bytes, TOC and quality fields present
  view.setUint32(o + 8, tally.frames, false);
  view.setUint32(o + 12, total, false);
  // CBR: byte position grows linearly with time, so the seek table is a straight line.
  for (let i = 0; i < 100; i++) tag[o + 16 + i] = Math.floor((i * 256) / 100);
  view.setUint32(o + 116, 0, false);

  o += XING_BYTES;
  tag.set(ascii(LAME_VERSION), o);
  tag[o + 9] = 0x01; // tag revision 0, CBR
  // Lowpass, replay gain, flags left zero ("unknown").
  tag[o + 20] = Math.min(255, bitrateOf(tally.header!));
  const padding = Math.max(0, tally.frames * samplesPerFrame - sampleCount - LAME_ENCODER_DELAY);
  tag[o + 21] = LAME_ENCODER_DELAY >> 4;
  tag[o + 22] = ((LAME_ENCODER_DELAY & 0x0f) << 4) | ((padding >> 8) & 0x0f);
  tag[o + 23] = padding & 0xff;
  view.setUint32(o + 28, total, false);
  view.setUint16(o + 32, tally.crc, false);
  // The tag CRC covers the frame from its first byte up to this field.
  view.setUint16(o + 34, crc16(tag, 0, o + 34), false);
  return tag;
}

/**
 * The tag frame's header: the stream's, with no CRC and no padding slot, at the smallest bitrate whose
 * frame can hold the tag (so a low-bitrate stream still gets room for it).
 */
function tagFrameHeader(streamHeader: Uint8Array): { bytes: Uint8Array; length: number } | undefined {
  const first = parseFrameHeader(streamHeader, 0);
  if (!first || first.layer !== 3) return undefined;
  const mpeg1 = first.version === 3;
  const mono = streamHeader[3]! >> 6 === 3;
  const sideInfo = mpeg1 ? (mono ? 17 : 32) : mono ? 9 : 17;
  const needed = 4 + sideInfo + XING_BYTES + LAME_BYTES;
  const header = streamHeader.slice(0, 4);
  header[1] = header[1]! | 0x01; // no CRC
  header[2] = header[2]! & ~0x02; // no padding slot
  for (let index = streamHeader[2]! >> 4; index < 15; index++) {
    header[2] = (header[2]! & 0x0f) | (index << 4);
    const length = parseFrameHeader(header, 0)?.length ?? 0;
    if (length >= needed) return { bytes: header, length };
  }
  return undefined;
}

function bitrateOf(stream: Uint8Array): number {
  const h = parseFrameHeader(stream, 0);
  if (!h) return 0;
  const spf = h.version === 3 ? 1152 : 576;
  const padding = (stream[2]! >> 1) & 1;
  return Math.round(((h.length - padding) * 8 * h.sampleRate) / spf / 1000);
}

function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

let crcTable: Uint16Array | undefined;

/** CRC-16 with the reflected 0x8005 polynomial (CRC-16/ARC), as the LAME tag specifies. */
function crc16(bytes: Uint8Array, from: number, to: number, init = 0): number {
  if (!crcTable) {
    crcTable = new Uint16Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
      crcTable[n] = c;
    }
  }
  let crc = init;
  for (let i = from; i < to; i++) crc = (crc >>> 8) ^ crcTable[(crc ^ bytes[i]!) & 0xff]!;
  return crc;
}
