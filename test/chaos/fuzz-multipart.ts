import type { Rand } from './rand.js';
import type { FuzzTargets } from './fuzz-request.js';

/** One multipart part as written on the wire; `headers` replaces the usual Content-Disposition. */
interface Part {
  name: string;
  value: Buffer;
  filename?: string;
  headers?: string[];
}

export interface Multipart {
  body: Buffer;
  contentType: string;
  /** True when the shape is the valid one (a real reference, every field): it may be accepted. */
  valid: boolean;
}

/**
 * Registration uploads: valid ones now and then, and the shapes a parser has to survive — missing
 * and repeated parts, a huge field, too many fields, a second file, the wrong or no boundary, a body
 * cut off before its closing boundary, odd file names, and audio that is noise or a damaged header.
 */
export function multipart(r: Rand, t: FuzzTargets): Multipart {
  const boundary = `----vrfuzz${r.string(16)}`;
  const valid = r.chance(0.03);
  const audio = valid ? t.reference.audio : fuzzAudio(r, t);
  let parts: Part[] = [
    { name: 'name', value: Buffer.from(valid ? 'Fuzz voice' : pickText(r, 'Fuzz voice')) },
    {
      name: 'lang',
      value: Buffer.from(valid ? 'en' : r.pick(['en', 'en', 'ko', 'ja', 'xx', '', 'EN', 'en-US'])),
    },
    { name: 'reference_script', value: Buffer.from(valid ? t.reference.script : pickText(r, 'Some words.')) },
    { name: 'reference_audio', value: audio, filename: r.pick(['ref.wav', 'ref.mp3', 'x']) },
  ];
  if (r.chance(0.3)) parts.push({ name: 'consent', value: Buffer.from(pickText(r, 'I agree.')) });
  let contentType = `multipart/form-data; boundary=${boundary}`;
  let cut: number | undefined;
  if (!valid) {
    const shape = r.int(0, 12);
    ({ parts, contentType, cut } = reshape(r, shape, parts, boundary, contentType));
  }
  let body = encode(parts, boundary);
  if (cut !== undefined) body = body.subarray(0, Math.floor(body.length * cut));
  return { body, contentType, valid };
}

function reshape(r: Rand, shape: number, parts: Part[], boundary: string, contentType: string) {
  let cut: number | undefined;
  switch (shape) {
    case 0:
      parts.splice(r.int(0, parts.length - 1), 1);
      break;
    case 1:
      parts.push({ ...r.pick(parts) });
      break;
    case 2:
      parts.push({
        name: 'reference_script',
        value: Buffer.alloc(r.pick([1024 * 1024 + 10, 2 * 1024 * 1024]), 0x61),
      });
      break;
    case 3:
      for (let i = 0; i < 25; i++) parts.push({ name: `extra${i}`, value: Buffer.from('x') });
      break;
    case 4:
      parts.push({
        name: r.pick(['reference_audio', 'other_file']),
        value: r.bytes(2000),
        filename: 'two.wav',
      });
      break;
    case 5:
      contentType = `multipart/form-data; boundary=${boundary}x`;
      break;
    case 6:
      contentType = r.pick([
        'multipart/form-data',
        'multipart/form-data; boundary=',
        'multipart/form-data; boundary="unterminated',
        'multipart/mixed; boundary=' + boundary,
      ]);
      break;
    case 7:
      cut = r.float();
      break;
    case 8:
      parts = parts.map((p) =>
        r.chance(0.5)
          ? {
              ...p,
              headers: [
                r.pick([
                  'Content-Type: text/plain',
                  'Content-Disposition: attachment',
                  'Content-Disposition: form-data',
                  `Content-Disposition: form-data; name="${p.name}"; filename*=UTF-8''%E2%9C%93.wav`,
                  'Content-Transfer-Encoding: base64',
                ]),
              ],
            }
          : p,
      );
      break;
    case 9:
      parts = parts.map((p) =>
        p.filename
          ? {
              ...p,
              filename: r.pick([
                '../../etc/passwd',
                'a\u0000b.wav',
                'x'.repeat(5000),
                '',
                '..',
                'C:\\x.wav',
                '"quoted".wav',
              ]),
            }
          : p,
      );
      break;
    case 10:
      parts = parts.map((p) => (p.name === 'reference_audio' ? { ...p, value: Buffer.alloc(0) } : p));
      break;
    case 11:
      parts = parts.map((p) =>
        r.chance(0.3) ? { ...p, name: r.pick(['', 'NAME', 'name[]', '__proto__', 'reference_audio']) } : p,
      );
      break;
    default:
      parts = parts.map((p) => (p.filename ? { ...p, filename: undefined } : p));
  }
  return { parts, contentType, cut };
}

function pickText(r: Rand, normal: string): string {
  return r.weighted<() => string>([
    [4, () => normal],
    [1, () => ''],
    [1, () => '   '],
    [1, () => r.nasty(r.int(1, 200))],
    [1, () => 'x'.repeat(r.pick([101, 4001, 20_001]))],
  ])();
}

/** Audio for rejected uploads: short real speech (decodes, too little of it), noise, damaged headers. */
function fuzzAudio(r: Rand, t: FuzzTargets): Buffer {
  const wav = t.shortSpeech;
  return r.weighted<() => Buffer>([
    [4, () => wav],
    [2, () => r.bytes(r.int(1, 20_000))],
    [3, () => damageWavHeader(r, wav)],
    [1, () => wav.subarray(0, r.int(0, 60))],
    [1, () => Buffer.concat([Buffer.from('ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000'), r.bytes(4000)])],
    [1, () => Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), r.bytes(4000)])],
    [0.05, decodeBomb],
  ])();
}

let bomb: Buffer | undefined;
/**
 * 4 MB of 8-bit mono at 1 kHz: a valid WAV that decodes to over an hour of audio, about 1 ms per
 * byte. The decoder must refuse it from the header arithmetic, not spend minutes and gigabytes on it.
 */
function decodeBomb(): Buffer {
  if (bomb) return bomb;
  const data = Buffer.alloc(4 * 1024 * 1024);
  for (let i = 0; i < data.length; i++) data[i] = 128 + Math.round(60 * Math.sin(i / 3) * Math.sin(i / 997));
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(1000, 24);
  h.writeUInt32LE(1000, 28);
  h.writeUInt16LE(1, 32);
  h.writeUInt16LE(8, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  bomb = Buffer.concat([h, data]);
  return bomb;
}

/** A real WAV with one header field set to a hostile value (rates, channels, bits, chunk sizes). */
function damageWavHeader(r: Rand, wav: Buffer): Buffer {
  const b = Buffer.from(wav);
  if (b.length < 44) return b;
  const field = r.pick([
    [22, 2, [0, 1, 2, 255, 65535]], // channels
    [24, 4, [0, 1, 1000, 8000, 4_000_000_000]], // sample rate
    [32, 2, [0, 1, 3, 65535]], // block align
    [34, 2, [0, 1, 8, 12, 24, 32, 64, 65535]], // bits per sample
    [40, 4, [0, 1, 0x7fffffff, 0xffffffff]], // data size
    [4, 4, [0, 1, 0xffffffff]], // RIFF size
    [20, 2, [0, 2, 3, 0xfffe, 85]], // format tag
  ] as const);
  const [offset, size, values] = field;
  const v = r.pick(values);
  if (size === 2) b.writeUInt16LE(v & 0xffff, offset);
  else b.writeUInt32LE(v >>> 0, offset);
  return b;
}

function encode(parts: Part[], boundary: string): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `Content-Disposition: form-data; name="${p.name}"${p.filename === undefined ? '' : `; filename="${p.filename}"`}`;
    const headers = p.headers ?? [
      disposition,
      ...(p.filename === undefined ? [] : ['Content-Type: audio/wav']),
    ];
    chunks.push(
      Buffer.from(`--${boundary}\r\n${headers.join('\r\n')}\r\n\r\n`, 'utf8'),
      p.value,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}
