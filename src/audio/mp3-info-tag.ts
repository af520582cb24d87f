import { parseFrameHeader } from './mpeg-sniff.js';

/**
 * Prepends a Xing "Info" frame with a LAME extension to a CBR MP3 stream. Its only job that matters
 * is carrying the encoder delay and end padding: without it every decoder plays ~1100 samples of
 * encoder priming first, which shifts the audio against the captions and makes the file longer than
 * the program. ffmpeg, mpg123 and browsers read the tag and trim both ends, so the decoded length and
 * timing match the PCM that was encoded.
 */

/** Priming samples the LAME encoder core (lamejs is a port) adds; decoders add their own 529 on top. */
export const LAME_ENCODER_DELAY = 576;

const XING_BYTES = 120; // "Info" + flags + frames + bytes + 100-byte TOC + quality
const LAME_BYTES = 36;
const LAME_VERSION = 'LAME3.99r';

export function withInfoTag(stream: Uint8Array, sampleCount: number): Uint8Array {
  const first = parseFrameHeader(stream, 0);
  if (!first || first.layer !== 3) return stream;
  const mpeg1 = first.version === 3;
  const samplesPerFrame = mpeg1 ? 1152 : 576;
  const mono = stream[3]! >> 6 === 3;
  const sideInfo = mpeg1 ? (mono ? 17 : 32) : mono ? 9 : 17;

  let frames = 0;
  for (let pos = 0; pos < stream.length; frames++) {
    const h = parseFrameHeader(stream, pos);
    if (!h) break;
    pos += h.length;
  }

  // The tag frame uses the stream's header with the smallest bitrate whose frame can hold the tag, so
  // a low-bitrate stream still gets room for it.
  const needed = 4 + sideInfo + XING_BYTES + LAME_BYTES;
  const header = stream.slice(0, 4);
  header[1] = header[1]! | 0x01; // no CRC
  header[2] = header[2]! & ~0x02; // no padding slot
  let frameLength = 0;
  for (let index = stream[2]! >> 4; index < 15; index++) {
    header[2] = (header[2]! & 0x0f) | (index << 4);
    frameLength = parseFrameHeader(header, 0)?.length ?? 0;
    if (frameLength >= needed) break;
  }
  if (frameLength < needed) return stream;

  const out = new Uint8Array(frameLength + stream.length);
  out.set(stream, frameLength);
  const tag = out.subarray(0, frameLength);
  const view = new DataView(tag.buffer, tag.byteOffset, tag.byteLength);
  tag.set(header, 0);

  let o = 4 + sideInfo; // Side information stays zero: an empty frame if a decoder ignores the tag.
  tag.set(ascii('Info'), o);
  view.setUint32(o + 4, 0x0f, false); // frames, bytes, TOC and quality fields present
  view.setUint32(o + 8, frames, false);
  view.setUint32(o + 12, out.length, false);
  // CBR: byte position grows linearly with time, so the seek table is a straight line.
  for (let i = 0; i < 100; i++) tag[o + 16 + i] = Math.floor((i * 256) / 100);
  view.setUint32(o + 116, 0, false);

  o += XING_BYTES;
  tag.set(ascii(LAME_VERSION), o);
  tag[o + 9] = 0x01; // tag revision 0, CBR
  // Lowpass, replay gain, flags left zero ("unknown").
  const kbps = bitrateOf(stream);
  tag[o + 20] = Math.min(255, kbps);
  const padding = Math.max(0, frames * samplesPerFrame - sampleCount - LAME_ENCODER_DELAY);
  tag[o + 21] = LAME_ENCODER_DELAY >> 4;
  tag[o + 22] = ((LAME_ENCODER_DELAY & 0x0f) << 4) | ((padding >> 8) & 0x0f);
  tag[o + 23] = padding & 0xff;
  view.setUint32(o + 28, out.length, false);
  view.setUint16(o + 32, crc16(stream, 0, stream.length), false);
  // The tag CRC covers the frame from its first byte up to this field.
  view.setUint16(o + 34, crc16(tag, 0, o + 34), false);
  return out;
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
function crc16(bytes: Uint8Array, from: number, to: number): number {
  if (!crcTable) {
    crcTable = new Uint16Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
      crcTable[n] = c;
    }
  }
  let crc = 0;
  for (let i = from; i < to; i++) crc = (crc >>> 8) ^ crcTable[(crc ^ bytes[i]!) & 0xff]!;
  return crc;
}
