import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutInSilence, trailingZeros } from '../../../src/audio/chunk-cut.js';
import { Mp3Tally, withInfoTag } from '../../../src/audio/mp3-info-tag.js';
import { mp3FrameSamples, Mp3Lame } from '../../../src/audio/mp3-lame.js';
import { concatBytes } from '../../../src/audio/stream-encode.js';
import {
  ffmpegSamples,
  ffprobeStream,
  lagOf,
  makeTempDir,
  peakOf,
  snrDb,
  syllableTrain,
} from '../../helpers/audio-fixtures.js';

let tmp: ReturnType<typeof makeTempDir>;
let lame: Mp3Lame;
beforeAll(async () => {
  tmp = makeTempDir();
  lame = await Mp3Lame.create();
});
afterAll(() => tmp.cleanup());

function ffmpegDecode(name: string, bytes: Uint8Array): Float32Array {
  const path = join(tmp.dir, name);
  writeFileSync(path, bytes);
  return ffmpegSamples(path);
}

/** Speech-like bursts separated by pauses of zeros, as a job's lines are: where each burst lies. */
function programme(rate: number, pause: number) {
  const bursts: Array<{ start: number; end: number }> = [];
  let at = Math.round(0.25 * rate);
  const parts: Float32Array[] = [];
  for (let k = 0; k < 6; k++) {
    const s = syllableTrain(3 + k, 0.8 + 0.1 * k, rate, 110 + 20 * k).samples;
    bursts.push({ start: at, end: at + s.length });
    parts.push(s);
    at += s.length + Math.round(pause * rate);
  }
  const samples = new Float32Array(at);
  bursts.forEach((b, k) => samples.set(parts[k]!, b.start));
  return { samples, bursts };
}

describe('MP3 encoded in chunks cut in pauses', () => {
  it.each([
    [44100, 128, 0.35],
    [24000, 64, 0.18],
  ])('joins frame-exactly at %i Hz, %i kbit/s: same length, no gap, click or drift', (rate, kbps, pause) => {
    const { samples, bursts } = programme(rate, pause);
    const frame = mp3FrameSamples(rate);
    const cuts = [0];
    for (let k = 0; k + 1 < bursts.length; k++) {
      const cut = cutInSilence(bursts[k]!.end, bursts[k + 1]!.start, 'mp3', rate);
      expect(cut).toBeDefined();
      expect(cut! % frame).toBe(0);
      cuts.push(cut!);
    }
    const pieces = cuts.map((start, i) => {
      const end = cuts[i + 1];
      if (end === undefined) return lame.encode(samples.subarray(start), rate, kbps);
      return lame.encode(samples.subarray(start, end), rate, kbps, (end - start) / frame);
    });
    const chunked = withInfoTag(concatBytes(pieces), samples.length);
    const whole = withInfoTag(lame.encode(samples, rate, kbps), samples.length);
    const frames = (bytes: Uint8Array) => {
      const t = new Mp3Tally();
      t.add(bytes);
      return t.frames;
    };
    // The same frames (their padding slots may fall differently, so not always the same bytes).
    expect(frames(chunked)).toBe(frames(whole));

    const a = ffmpegDecode(`whole-${rate}.mp3`, whole);
    const b = ffmpegDecode(`chunked-${rate}.mp3`, chunked);
    // The Info frame's delay and padding trim both to the programme's exact length.
    expect([a.length, b.length]).toEqual([samples.length, samples.length]);
    const probed = ffprobeStream(join(tmp.dir, `chunked-${rate}.mp3`));
    expect(probed).toMatchObject({ sampleRate: rate, channels: 1, codec: 'mp3' });
    for (const cut of cuts.slice(1)) {
      // Around each join the programme is silent, and so is the decoded audio: no click.
      expect(peakOf(b.subarray(cut - frame, cut + frame))).toBeLessThan(1e-3);
    }
    for (const burst of bursts) {
      // Every burst starts where it started: no drift from join to join.
      expect(lagOf(samples, b, burst.start, burst.end, 64)).toBe(0);
    }
    // And the chunked stream is as faithful as the continuous one.
    expect(snrDb(samples, b)).toBeGreaterThan(snrDb(samples, a) - 1);
  });

  it('cuts only in pauses long enough, on the frame grid; PCM anywhere', () => {
    expect(cutInSilence(1000, 1000 + 4 * 1152, 'mp3', 44100)).toBeUndefined();
    expect(cutInSilence(1000, 1000 + 6 * 1152, 'mp3', 44100)).toBe(4 * 1152);
    expect(cutInSilence(1000, 1001, 'pcm', 44100)).toBe(1000);
    expect(trailingZeros(new Float32Array([0, 1, 0, 0]))).toBe(2);
  });
});
