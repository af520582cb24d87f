import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pcm16le, streamEncoder, wavHeader, WAV_UNKNOWN_SIZE } from '../../../src/audio/stream-encode.js';
import { makeTempDir, run, sine } from '../../helpers/audio-fixtures.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

/** A file for ffmpeg and sox to read. */
const file = (name: string, bytes: Uint8Array): string => {
  writeFileSync(join(tmp.dir, name), bytes);
  return join(tmp.dir, name);
};

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** Feeds the samples in pieces of the given sizes (not frame multiples) and joins every chunk. */
function streamed(format: 'wav' | 'pcm', samples: Float32Array, pieces: number[]): Uint8Array {
  const enc = streamEncoder(format, 24000);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const n of pieces) {
    out.push(enc.push(samples.subarray(at, at + n)));
    at += n;
  }
  out.push(enc.push(samples.subarray(at)), enc.end());
  return concat(out);
}

function ffmpegSamples(path: string, input: string[] = []): number {
  const pcm = execFileSync('ffmpeg', ['-v', 'error', ...input, '-i', path, '-ac', '1', '-f', 's16le', '-'], {
    maxBuffer: 64 << 20,
  });
  return pcm.byteLength / 2;
}

describe('pcm16le', () => {
  it('writes little-endian signed 16-bit samples, clipped, scale 32768', () => {
    const bytes = pcm16le(new Float32Array([0, 0.5, -0.5, 1, -1.5]));
    const view = new DataView(bytes.buffer);
    expect(bytes.length).toBe(10);
    expect([0, 1, 2, 3, 4].map((i) => view.getInt16(i * 2, true))).toEqual([0, 16384, -16384, 32767, -32768]);
  });
});

describe('wavHeader', () => {
  it('marks open-ended sizes with 0xFFFFFFFF and known ones exactly', () => {
    const open = new DataView(wavHeader(24000).buffer);
    expect(open.getUint32(4, true)).toBe(WAV_UNKNOWN_SIZE);
    expect(open.getUint32(40, true)).toBe(WAV_UNKNOWN_SIZE);
    const known = new DataView(wavHeader(24000, 1000).buffer);
    expect(known.getUint32(4, true)).toBe(1036);
    expect(known.getUint32(40, true)).toBe(1000);
    expect(known.getUint32(24, true)).toBe(24000);
  });

  it('streams a WAV that ffprobe and sox read to its end', () => {
    const tone = sine(440, 1.5, 24000).samples;
    const path = file('s.wav', streamed('wav', tone, [1000, 7000, 5]));
    expect(ffmpegSamples(path)).toBe(tone.length);
    // sox writes its statistics to stderr.
    const stat = spawnSync('sox', [path, '-n', 'stat'], { encoding: 'utf8' }).stderr;
    expect(stat).toMatch(new RegExp(`Samples read:\\s+${tone.length}\\b`));
    expect(run('soxi', ['-r', path]).trim()).toBe('24000');
  });
});

describe('pcm stream', () => {
  it('is the raw samples with no header, in any pieces', () => {
    const tone = sine(300, 0.5, 24000).samples;
    const bytes = streamed('pcm', tone, [3, 1000, 999]);
    expect(bytes.length).toBe(tone.length * 2);
    expect(Buffer.from(bytes).equals(Buffer.from(pcm16le(tone)))).toBe(true);
  });
});
