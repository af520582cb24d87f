import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudio } from '../../../src/audio/decode.js';
import { encodeWav } from '../../../src/audio/encode.js';
import { withInfoTag } from '../../../src/audio/mp3-info-tag.js';
import { Mp3Lame } from '../../../src/audio/mp3-lame.js';
import type { PcmAudio } from '../../../src/audio/types.js';
import { OUTPUT_SAMPLE_RATES } from '../../../src/audio/types.js';
import {
  chirp,
  concat,
  ffmpegSamples,
  ffprobeStream,
  makeTempDir,
  run,
  sine,
  toneAmplitude,
  zeros,
} from '../../helpers/audio-fixtures.js';

let tmp: ReturnType<typeof makeTempDir>;
let lame: Mp3Lame;
beforeAll(async () => {
  tmp = makeTempDir();
  lame = await Mp3Lame.create();
});

/** A whole MP3 file, as a synthesis job writes one (one chunk), with its Info frame. */
const encodeMp3 = (audio: PcmAudio, kbps = 128) =>
  withInfoTag(lame.encode(audio.samples, audio.sampleRate, kbps), audio.samples.length);
afterAll(() => tmp.cleanup());

function write(name: string, bytes: Uint8Array): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('encodeWav', () => {
  it('writes 16-bit mono PCM that ffprobe and sox read with the right rate and exact length', () => {
    for (const rate of OUTPUT_SAMPLE_RATES) {
      const audio = sine(440, 1.25, rate, 0.5);
      const path = write(`wav-${rate}.wav`, encodeWav(audio));
      const info = ffprobeStream(path);
      expect(info).toMatchObject({ sampleRate: rate, channels: 1, codec: 'pcm_s16le' });
      expect(info.duration).toBeCloseTo(1.25, 3);
      expect(Number(run('sox', ['--i', '-s', path]).trim())).toBe(audio.samples.length);
      expect(run('sox', ['--i', '-b', path]).trim()).toBe('16');
    }
  });

  it('round-trips through ffmpeg and our decoder within half a quantisation step', async () => {
    const audio = chirp(50, 10000, 0.5, 22050, 0.9);
    const bytes = encodeWav(audio);
    for (const decoded of [ffmpegSamples(write('rt.wav', bytes)), (await decodeAudio(bytes)).samples]) {
      expect(decoded.length).toBe(audio.samples.length);
      let maxErr = 0;
      for (let i = 0; i < decoded.length; i++)
        maxErr = Math.max(maxErr, Math.abs(decoded[i]! - audio.samples[i]!));
      expect(maxErr).toBeLessThanOrEqual(0.5 / 32768 + 1e-9);
    }
  });

  it('clips out-of-range values and writes NaN as zero', async () => {
    const audio = { samples: new Float32Array([2, -2, 1, -1, NaN, 0.5]), sampleRate: 8000 };
    const decoded = (await decodeAudio(encodeWav(audio))).samples;
    expect(Array.from(decoded)).toEqual([32767 / 32768, -1, 32767 / 32768, -1, 0, 0.5]);
  });

  it('writes a valid file for empty audio and rejects a bad rate', () => {
    const bytes = encodeWav({ samples: new Float32Array(0), sampleRate: 16000 });
    expect(bytes.length).toBe(44);
    expect(() => encodeWav({ samples: new Float32Array(4), sampleRate: 0 })).toThrow(RangeError);
  });
});

describe('encodeMp3', () => {
  // Silence, then a tone: the onset shows whether decoders line the audio up with the input.
  const lead = 0.25;
  const source = (rate: number) => concat([zeros(lead, rate), sine(440, 1, rate, 0.5)]);

  it.each(OUTPUT_SAMPLE_RATES.map((r) => [r]))(
    'encodes %i Hz mono that ffprobe and ffmpeg read back exactly',
    (rate) => {
      const audio = source(rate);
      const path = write(`mp3-${rate}.mp3`, encodeMp3(audio));
      const info = ffprobeStream(path);
      expect(info).toMatchObject({ sampleRate: rate, channels: 1, codec: 'mp3' });
      // ffprobe's duration counts whole frames; the gapless decode below is the exact check.
      expect(info.duration).toBeGreaterThan(1.25);
      expect(info.duration).toBeLessThan(1.25 + 0.25);

      const decoded = ffmpegSamples(path);
      expect(decoded.length).toBe(audio.samples.length); // encoder delay and padding trimmed via the LAME tag
      const onset = decoded.findIndex((v) => Math.abs(v) > 0.05) / rate;
      expect(Math.abs(onset - lead)).toBeLessThan(0.002);
      const mid = Math.round((lead + 0.4) * rate);
      const amplitude = toneAmplitude(decoded, rate, 440, mid, mid + Math.round(0.4 * rate));
      expect(20 * Math.log10(amplitude / 0.5)).toBeGreaterThan(-1);
      expect(20 * Math.log10(amplitude / 0.5)).toBeLessThan(0.5);
    },
  );

  it('is read back by our own decoder with the same length and timing', async () => {
    const audio = source(24000);
    const decoded = await decodeAudio(encodeMp3(audio, 64));
    expect(decoded.sampleRate).toBe(24000);
    expect(decoded.samples.length).toBe(audio.samples.length);
    const onset = decoded.samples.findIndex((v) => Math.abs(v) > 0.05) / 24000;
    expect(Math.abs(onset - lead)).toBeLessThan(0.002);
  });

  it('honours the requested bitrate and keeps the sample rate at low bitrates', () => {
    const at = (kbps: number, rate = 44100) => {
      const path = write(`br-${kbps}-${rate}.mp3`, encodeMp3(sine(440, 2, rate, 0.5), kbps));
      return JSON.parse(run('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', path])) as {
        streams: { bit_rate: string; sample_rate: string }[];
      };
    };
    expect(at(192).streams[0]!.bit_rate).toBe('192000');
    expect(at(96).streams[0]!.bit_rate).toBe('96000');
    // LAME would resample 48 kHz to 32 kHz at 32 kbit/s; the encoder raises the bitrate instead.
    expect(at(32, 48000).streams[0]!.sample_rate).toBe('48000');
    // MPEG-2 rates cannot exceed 160 kbit/s.
    expect(Number(at(320, 22050).streams[0]!.bit_rate)).toBeLessThanOrEqual(160000);
  });

  it('rejects rates MPEG audio cannot carry', () => {
    expect(() => encodeMp3(sine(440, 0.1, 44101))).toThrow(RangeError);
  });
});
