import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudioDecodeError, decodeAudio } from '../../../src/audio/decode.js';
import type { PcmAudio } from '../../../src/audio/types.js';
import {
  chirp,
  concat,
  makeTempDir,
  readBytes,
  run,
  sine,
  toneAmplitude,
  zeros,
} from '../../helpers/audio-fixtures.js';

const RATE = 22050;
let tmp: ReturnType<typeof makeTempDir>;
/** Reference signal: a sine then a chirp, so both steady and changing content are compared. */
let reference: PcmAudio;
let rawPath: string;

beforeAll(() => {
  tmp = makeTempDir();
  reference = concat([sine(440, 0.5, RATE, 0.6), chirp(100, 8000, 0.5, RATE, 0.4)]);
  rawPath = join(tmp.dir, 'ref.f32');
  writeFileSync(rawPath, Buffer.from(reference.samples.buffer));
});
afterAll(() => tmp.cleanup());

/** Converts the float reference with sox (no dither, so quantisation error stays within one step). */
function soxConvert(name: string, args: string[], input = rawPath, channels = 1): string {
  const out = join(tmp.dir, name);
  run('sox', ['-D', '-t', 'f32', '-r', String(RATE), '-c', String(channels), input, ...args, out]);
  return out;
}

function maxError(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

async function expectDecodeError(bytes: Uint8Array): Promise<AudioDecodeError> {
  const err = await decodeAudio(bytes).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AudioDecodeError);
  const e = err as AudioDecodeError;
  // Short and free of internals: no stack frames, library names or byte offsets.
  expect(e.message.length).toBeLessThan(80);
  expect(e.message).not.toMatch(/mpg123|wasm|offset|undefined|\bat\b/i);
  return e;
}

describe('decodeAudio: WAV written by sox', () => {
  const cases: { name: string; args: string[]; tolerance: number; extensible?: boolean }[] = [
    { name: 'u8', args: ['-b', '8', '-e', 'unsigned-integer'], tolerance: 1.01 / 128 },
    { name: 's16', args: ['-b', '16', '-e', 'signed-integer'], tolerance: 1.01 / 32768 },
    { name: 's24', args: ['-b', '24', '-e', 'signed-integer'], tolerance: 1.01 / 8388608, extensible: true },
    { name: 's32', args: ['-b', '32', '-e', 'signed-integer'], tolerance: 1e-7, extensible: true },
    // sox passes samples through its 32-bit integer core, hence not bit-exact.
    { name: 'f32', args: ['-b', '32', '-e', 'floating-point'], tolerance: 1e-7 },
    { name: 'f64', args: ['-b', '64', '-e', 'floating-point'], tolerance: 1e-7 },
  ];
  for (const c of cases) {
    it(`decodes ${c.name} samples to within one quantisation step`, async () => {
      const bytes = readBytes(soxConvert(`${c.name}.wav`, c.args));
      if (c.extensible) expect(bytes[20]! | (bytes[21]! << 8)).toBe(0xfffe); // really WAVE_FORMAT_EXTENSIBLE
      const audio = await decodeAudio(bytes);
      expect(audio.sampleRate).toBe(RATE);
      expect(audio.samples.length).toBe(reference.samples.length);
      expect(maxError(audio.samples, reference.samples)).toBeLessThanOrEqual(c.tolerance);
    });
  }

  it('averages stereo channels to mono', async () => {
    // Left: the reference; right: a different tone. Interleave and let sox write 16-bit stereo.
    const right = sine(1000, reference.samples.length / RATE, RATE, 0.3).samples;
    const inter = new Float32Array(reference.samples.length * 2);
    for (let i = 0; i < reference.samples.length; i++) {
      inter[2 * i] = reference.samples[i]!;
      inter[2 * i + 1] = right[i]!;
    }
    const rawStereo = join(tmp.dir, 'stereo.f32');
    writeFileSync(rawStereo, Buffer.from(inter.buffer));
    const path = soxConvert('stereo.wav', ['-b', '16', '-e', 'signed-integer'], rawStereo, 2);
    const audio = await decodeAudio(readBytes(path));
    const expected = reference.samples.map((v, i) => (v + right[i]!) / 2);
    expect(audio.samples.length).toBe(reference.samples.length);
    expect(maxError(audio.samples, expected)).toBeLessThanOrEqual(1.01 / 32768);
  });

  it('downmixes six channels (extensible header)', async () => {
    // sox duplicates the mono input into six identical channels, so the mix equals the input.
    const path = soxConvert('six.wav', ['-c', '6', '-b', '16', '-e', 'signed-integer']);
    const bytes = readBytes(path);
    expect(bytes[22]).toBe(6);
    const audio = await decodeAudio(bytes);
    expect(maxError(audio.samples, reference.samples)).toBeLessThanOrEqual(1.01 / 32768);
  });
});

/** Hand-built RIFF files for the layouts real uploads have and sox never writes. */
function riff(chunks: [string, Uint8Array, number?][]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [id, body, declared] of chunks) {
    const head = new Uint8Array(8);
    head.set(Buffer.from(id, 'latin1'));
    new DataView(head.buffer).setUint32(4, declared ?? body.length, true);
    parts.push(head, body);
    if (body.length % 2 === 1 && declared === undefined) parts.push(new Uint8Array(1));
  }
  const size = parts.reduce((n, p) => n + p.length, 4);
  const header = new Uint8Array(12);
  header.set(Buffer.from('RIFF', 'latin1'));
  new DataView(header.buffer).setUint32(4, size, true);
  header.set(Buffer.from('WAVE', 'latin1'), 8);
  return Buffer.concat([header, ...parts]);
}

function fmtChunk(formatTag: number, channels: number, rate: number, bits: number): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  const align = channels * (bits / 8);
  v.setUint16(0, formatTag, true);
  v.setUint16(2, channels, true);
  v.setUint32(4, rate, true);
  v.setUint32(8, rate * align, true);
  v.setUint16(12, align, true);
  v.setUint16(14, bits, true);
  return b;
}

function pcm16(values: number[]): Uint8Array {
  const b = new Uint8Array(values.length * 2);
  values.forEach((x, i) => new DataView(b.buffer).setInt16(i * 2, x, true));
  return b;
}

describe('decodeAudio: awkward RIFF layouts', () => {
  const values = [0, 16384, -16384, 32767, -32768, 1000, -1000];
  const expected = values.map((x) => x / 32768);

  it('reads a LIST chunk before fmt and an odd-sized chunk with its pad byte', async () => {
    const bytes = riff([
      ['LIST', new Uint8Array(Buffer.from('INFOISFT\x05\x00\x00\x00test\x00', 'latin1'))],
      ['junk', new Uint8Array(3)], // odd size: followed by one pad byte
      ['fmt ', fmtChunk(1, 1, 8000, 16)],
      ['data', pcm16(values)],
    ]);
    const audio = await decodeAudio(bytes);
    expect(audio.sampleRate).toBe(8000);
    expect(Array.from(audio.samples)).toEqual(expected.map((v) => Math.fround(v)));
  });

  it('uses the bytes present when the data chunk claims more (streamed or truncated files)', async () => {
    for (const declared of [0xffffffff, 1_000_000]) {
      const audio = await decodeAudio(
        riff([
          ['fmt ', fmtChunk(1, 1, 8000, 16)],
          ['data', pcm16(values), declared],
        ]),
      );
      expect(audio.samples.length).toBe(values.length);
    }
  });

  it('ignores a trailing partial frame and metadata after the data chunk', async () => {
    const data = Buffer.concat([pcm16(values), new Uint8Array([0x12])]); // odd byte: half a sample
    const audio = await decodeAudio(
      riff([
        ['fmt ', fmtChunk(1, 1, 8000, 16)],
        ['data', data],
        ['LIST', new Uint8Array(10)],
      ]),
    );
    expect(audio.samples.length).toBe(values.length);
  });

  it('clamps float samples beyond full scale into [-1, 1]', async () => {
    const f = new Float32Array([0.5, 1.5, -2, 0.25]);
    const audio = await decodeAudio(
      riff([
        ['fmt ', fmtChunk(3, 1, 16000, 32)],
        ['data', new Uint8Array(f.buffer)],
      ]),
    );
    expect(Array.from(audio.samples)).toEqual([0.5, 1, -1, 0.25]);
  });
});

describe('decodeAudio: MP3', () => {
  /** 0.3 s silence then a 440 Hz tone, encoded by ffmpeg's libmp3lame (stereo: the same in both channels). */
  function makeMp3(name: string, extra: string[], channels = 1): { path: string; source: PcmAudio } {
    const source = concat([zeros(0.3, 44100), sine(440, 1.2, 44100, 0.5)]);
    const inter = new Float32Array(source.samples.length * channels);
    for (let i = 0; i < inter.length; i++) inter[i] = source.samples[Math.floor(i / channels)]!;
    const raw = join(tmp.dir, `${name}.f32`);
    writeFileSync(raw, Buffer.from(inter.buffer));
    const path = join(tmp.dir, `${name}.mp3`);
    const input = ['-f', 'f32le', '-ar', '44100', '-ac', String(channels), '-i', raw];
    run('ffmpeg', ['-v', 'error', '-y', ...input, '-codec:a', 'libmp3lame', '-b:a', '128k', ...extra, path]);
    return { path, source };
  }

  /**
   * With a LAME/Xing tag the decoder trims encoder delay and padding, so length and timing are exact;
   * a bare stream keeps them (about 1100 samples of delay plus up to a frame of padding).
   */
  async function checkMp3(path: string, source: PcmAudio, gapless = true): Promise<void> {
    const audio = await decodeAudio(readBytes(path));
    expect(audio.sampleRate).toBe(44100);
    const extra = audio.samples.length - source.samples.length;
    if (gapless) {
      expect(Math.abs(extra)).toBeLessThanOrEqual(1);
    } else {
      expect(extra).toBeGreaterThan(0);
      expect(extra).toBeLessThanOrEqual(2 * 1152);
    }
    const mid = Math.round(0.8 * 44100);
    expect(toneAmplitude(audio.samples, 44100, 440, mid, mid + 22050)).toBeCloseTo(0.5, 1);
    // The silent lead-in stays silent and the tone starts on time.
    const onset = audio.samples.findIndex((v) => Math.abs(v) > 0.05) / 44100;
    if (gapless) {
      expect(Math.abs(onset - 0.3)).toBeLessThan(0.003);
    } else {
      expect(onset - 0.3).toBeGreaterThan(0);
      expect(onset - 0.3).toBeLessThan(0.035);
    }
  }

  it('decodes an ffmpeg MP3 with an ID3v2 tag', async () => {
    const { path, source } = makeMp3('tagged', ['-metadata', 'title=VoiceReel test']);
    expect(Buffer.from(readBytes(path).subarray(0, 3)).toString('latin1')).toBe('ID3');
    await checkMp3(path, source);
  });

  it('decodes a bare MP3 stream (frame sync, no tags) and stereo MP3', async () => {
    const bare = makeMp3('bare', ['-id3v2_version', '0', '-write_xing', '0']);
    expect(readBytes(bare.path)[0]).toBe(0xff);
    await checkMp3(bare.path, bare.source, false);
    const stereo = makeMp3('stereo', [], 2);
    await checkMp3(stereo.path, stereo.source);
  });

  it('decodes MP3 data wrapped in a WAV container', async () => {
    const { path, source } = makeMp3('wrapped-src', ['-id3v2_version', '0']);
    const wav = join(tmp.dir, 'wrapped.wav');
    run('ffmpeg', ['-v', 'error', '-y', '-i', path, '-codec:a', 'copy', wav]);
    const audio = await decodeAudio(readBytes(wav));
    expect(Math.abs(audio.samples.length - source.samples.length)).toBeLessThanOrEqual(2 * 1152);
  });
});

describe('decodeAudio: rejects what it cannot use', () => {
  it('rejects empty input, text and random bytes', async () => {
    await expectDecodeError(new Uint8Array(0));
    await expectDecodeError(new Uint8Array(Buffer.from('hello, this is not audio at all')));
    const random = new Uint8Array(4096);
    for (let i = 0; i < random.length; i++) random[i] = (i * 7919 + 13) % 251;
    await expectDecodeError(random);
  });

  it('rejects WAV files without samples or with an unsupported encoding', async () => {
    await expectDecodeError(
      riff([
        ['fmt ', fmtChunk(1, 1, 8000, 16)],
        ['data', new Uint8Array(0)],
      ]),
    );
    await expectDecodeError(riff([['fmt ', fmtChunk(1, 1, 8000, 16)]]));
    await expectDecodeError(riff([['data', pcm16([1, 2, 3])]]));
    await expectDecodeError(
      riff([
        ['fmt ', fmtChunk(1, 0, 8000, 16)],
        ['data', pcm16([1, 2])],
      ]),
    );
    const alaw = readBytes(soxConvert('alaw.wav', ['-e', 'a-law']));
    const err = await expectDecodeError(alaw);
    expect(err.message).toMatch(/unsupported/i);
  });

  it('rejects NaN-laden float WAV data', async () => {
    const f = new Float32Array([0.1, NaN, 0.2, 0.3]);
    await expectDecodeError(
      riff([
        ['fmt ', fmtChunk(3, 1, 16000, 32)],
        ['data', new Uint8Array(f.buffer)],
      ]),
    );
  });

  it('rejects an ID3 tag with no audio frames and a truncated MP3', async () => {
    const id3 = new Uint8Array(64);
    id3.set([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 20]);
    await expectDecodeError(id3);
    const { path } = { path: join(tmp.dir, 'short.mp3') };
    run('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=1',
      '-id3v2_version',
      '0',
      '-write_xing',
      '0',
      path,
    ]);
    await expectDecodeError(readBytes(path).subarray(0, 200)); // less than one whole frame
  });
});
