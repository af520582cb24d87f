import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudioDecodeError, decodeAudio, decodeWithin } from '../../../src/audio/decode.js';
import { AudioLimitError, type LimitBreach } from '../../../src/audio/limits.js';
import { declaredLength } from '../../../src/audio/probe.js';
import { makeTempDir, readBytes, run } from '../../helpers/audio-fixtures.js';

/**
 * A small upload must not decode to hours of audio: an 8-bit low-rate WAV or an 8 kbit/s MP3 holds
 * about a millisecond per byte. Files are made here (hand-built RIFF, ffmpeg's libmp3lame); the
 * header check refuses what the headers show, the decoder itself stops at the limit whatever the
 * headers say, and neither is fooled by a header that lies.
 */

let tmp: ReturnType<typeof makeTempDir>;
beforeAll(() => {
  tmp = makeTempDir();
});
afterAll(() => tmp.cleanup());

/** 8-bit unsigned mono PCM WAV; `byteRate` and `dataSize` may lie about what follows. */
function wav8(rate: number, bytes: number, opts: { byteRate?: number; dataSize?: number } = {}): Uint8Array {
  const out = new Uint8Array(44 + bytes);
  const v = new DataView(out.buffer);
  out.set(Buffer.from('RIFF', 'latin1'), 0);
  v.setUint32(4, 36 + bytes, true);
  out.set(Buffer.from('WAVEfmt ', 'latin1'), 8);
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, 1, true); // mono
  v.setUint32(24, rate, true);
  v.setUint32(28, opts.byteRate ?? rate, true);
  v.setUint16(32, 1, true); // block align
  v.setUint16(34, 8, true);
  out.set(Buffer.from('data', 'latin1'), 36);
  v.setUint32(40, opts.dataSize ?? bytes, true);
  // A quiet 200 Hz tone rather than silence, so the samples are real audio.
  for (let i = 0; i < bytes; i++)
    out[44 + i] = 128 + Math.round(40 * Math.sin((2 * Math.PI * 200 * i) / rate));
  return out;
}

/** A tone as MP3 at 8 kbit/s and 8 kHz (MPEG-2.5 layer III, 72-byte frames: 1 ms of audio per byte). */
function mp3At8kbps(name: string, seconds: number): Uint8Array {
  const path = join(tmp.dir, name);
  const tone = `sine=frequency=300:duration=${seconds}:sample_rate=8000`;
  run(
    'ffmpeg',
    ['-v', 'error', '-y', '-f', 'lavfi', '-i', tone, '-ac', '1', '-codec:a', 'libmp3lame'].concat([
      '-b:a',
      '8k',
      '-id3v2_version',
      '0',
      '-write_xing',
      '0',
      path,
    ]),
  );
  return readBytes(path);
}

async function breachOf(p: Promise<unknown>): Promise<LimitBreach> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AudioLimitError);
  const e = err as AudioLimitError;
  expect(e.message.length).toBeLessThan(100);
  return e.breach;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

describe('WAV: header arithmetic and the decode bound', () => {
  it('refuses an 8-bit 1 kHz WAV of 2 MB (35 minutes) at once, for its sample rate', async () => {
    const bytes = wav8(1000, 2 * 1024 * 1024);
    expect(declaredLength(bytes)).toMatchObject({ format: 'wav', sampleRate: 1000 });
    expect(declaredLength(bytes)!.seconds / 60).toBeCloseTo(34.95, 1);
    const { value: breach, ms } = await timed(() => breachOf(decodeAudio(bytes)));
    expect(breach).toEqual({ limit: 'min_sample_rate', minSampleRate: 8000, sampleRate: 1000 });
    expect(ms).toBeLessThan(1000);
  });

  it('refuses an 8-bit 8 kHz WAV longer than the limit from its headers, before decoding', async () => {
    const bytes = wav8(8000, 6 * 1024 * 1024); // 786 s in 6 MB
    const { value: breach, ms } = await timed(() => breachOf(decodeAudio(bytes)));
    expect(breach).toEqual({ limit: 'max_seconds', maxSeconds: 300, seconds: 786.43, atLeast: false });
    expect(ms).toBeLessThan(1000);
    // The same file within a raised limit decodes, so it was the length that was refused.
    const audio = await decodeAudio(bytes, { maxSeconds: 900 });
    expect(audio.samples.length).toBe(6 * 1024 * 1024);
  });

  it('is not fooled by a byte-rate field claiming CD quality or a streamed data size', async () => {
    // 2 MB: 12 s at the 176400 B/s the header claims, 262 s at the 8000 B/s the samples really are.
    for (const lie of [{ byteRate: 176_400 }, { byteRate: 176_400, dataSize: 0xffffffff }, { dataSize: 0 }]) {
      const bytes = wav8(8000, 2 * 1024 * 1024, lie);
      expect(declaredLength(bytes)!.seconds, JSON.stringify(lie)).toBeCloseTo(262.14, 1);
      const breach = await breachOf(decodeAudio(bytes, { maxSeconds: 120 }));
      expect(breach, JSON.stringify(lie)).toMatchObject({ limit: 'max_seconds', seconds: 262.14 });
    }
  });

  it('decodes no more than a data size that claims less than the file holds', async () => {
    // 10 s declared, 262 s present: the rest is not samples of this chunk and is never decoded.
    const audio = await decodeAudio(wav8(8000, 2 * 1024 * 1024, { dataSize: 80_000 }), { maxSeconds: 120 });
    expect(audio.samples.length).toBe(80_000);
  });

  it('the decoder alone refuses a long WAV, with no header check before it', async () => {
    const breach = await breachOf(decodeWithin(wav8(8000, 2 * 1024 * 1024), { maxSeconds: 120 }));
    expect(breach).toMatchObject({ limit: 'max_seconds', maxSeconds: 120, seconds: 262.14 });
    await expect(decodeWithin(wav8(4000, 4000), { maxSeconds: 120 })).rejects.toBeInstanceOf(AudioLimitError);
  });
});

describe('header checks stay cheap on hostile layouts (they run on the main thread)', () => {
  it('gives up on 30 MB of empty RIFF chunks or stacked ID3 tags at once', async () => {
    const chunks = new Uint8Array(30 * 1024 * 1024);
    chunks.set(Buffer.from('RIFF\0\0\0\0WAVE', 'latin1'));
    for (let pos = 12; pos + 8 <= chunks.length; pos += 8) chunks.set(Buffer.from('junk', 'latin1'), pos);
    const tags = new Uint8Array(30 * 1024 * 1024);
    for (let pos = 0; pos + 10 <= tags.length; pos += 10)
      tags.set([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0], pos);
    declaredLength(chunks.subarray(0, 4096)); // compiled before it is timed
    // Walking all of either took 80-200 ms before the walks were capped; now well under a millisecond.
    for (const bytes of [chunks, tags]) {
      const started = performance.now();
      expect(declaredLength(bytes)).toBeUndefined();
      expect(performance.now() - started).toBeLessThan(60);
      await expect(decodeAudio(bytes)).rejects.toBeInstanceOf(AudioDecodeError);
    }
  });
});

describe('MP3: frames counted from their headers, and decoding stopped at the limit', () => {
  let long: Uint8Array;
  beforeAll(() => {
    long = mp3At8kbps('long-8k.mp3', 1200); // 20 minutes in 1.2 MB
  });

  it('refuses a 20-minute 8 kbit/s MP3 from its frame headers, without decoding it', async () => {
    expect(long.length).toBeLessThan(1.3 * 1024 * 1024);
    // The count stops just past the limit instead of walking the whole file.
    const declared = declaredLength(long, 300)!;
    expect(declared).toMatchObject({ format: 'mp3', sampleRate: 8000, atLeast: true });
    expect(declared.seconds).toBeGreaterThan(300);
    expect(declared.seconds).toBeLessThan(301);
    expect(declaredLength(long)!.seconds).toBeCloseTo(1200, 0);
    const { value: breach, ms } = await timed(() => breachOf(decodeAudio(long)));
    expect(breach).toMatchObject({ limit: 'max_seconds', maxSeconds: 300, atLeast: true });
    expect(ms).toBeLessThan(1000);
  });

  it('stops decoding at the limit when junk between frames hides the length from the header count', async () => {
    // Three stray bytes 10 kB in break the frame chain: the headers then account for about 10 s,
    // but mpg123 resynchronises and would decode all 20 minutes.
    const junked = new Uint8Array(long.length + 3);
    junked.set(long.subarray(0, 10_000));
    junked.set([0x12, 0x34, 0x56], 10_000);
    junked.set(long.subarray(10_000), 10_003);
    expect(declaredLength(junked, 300)!.seconds).toBeLessThan(15);
    const all = await decodeWithin(junked, { maxSeconds: 2000 });
    expect(all.samples.length / 8000).toBeGreaterThan(1190); // really 20 minutes of audio

    const breach = await breachOf(decodeAudio(junked, { maxSeconds: 300 }));
    // Stopped within one 16 kB piece (16 s at 8 kbit/s) past the limit, not at the end of the file.
    expect(breach).toMatchObject({ limit: 'max_seconds', maxSeconds: 300, atLeast: true });
    expect((breach as { seconds: number }).seconds).toBeGreaterThan(300);
    expect((breach as { seconds: number }).seconds).toBeLessThan(317);
  });

  it('still decodes a short 8 kbit/s MP3 within the limit', async () => {
    const audio = await decodeAudio(mp3At8kbps('short-8k.mp3', 40));
    expect(audio.sampleRate).toBe(8000);
    expect(audio.samples.length / 8000).toBeGreaterThan(39);
    expect(audio.samples.length / 8000).toBeLessThan(41);
  });

  it('keeps undecodable input a decode error, not a limit error', async () => {
    await expect(decodeAudio(long.subarray(0, 50))).rejects.toBeInstanceOf(AudioDecodeError);
  });
});
