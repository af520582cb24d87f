import { beforeAll, describe, expect, it } from 'vitest';
import { decodeAudio } from '../../../src/audio/decode.js';
import type { PcmAudio } from '../../../src/audio/types.js';
import { detectSpeech, nonSilentRegions, trimSilence } from '../../../src/audio/vad.js';
import {
  concat,
  librivoxPaths,
  readBytes,
  roomNoise,
  sine,
  whiteNoise,
  zeros,
} from '../../helpers/audio-fixtures.js';

const RATE = 16000;
let clips: PcmAudio[];
beforeAll(async () => {
  clips = await Promise.all(librivoxPaths().map(async (p) => decodeAudio(readBytes(p))));
});

/** Onset by a plain amplitude threshold well above the recording's hiss, computed independently here. */
function firstLoudSample(x: Float32Array, threshold: number): number {
  return x.findIndex((v) => Math.abs(v) > threshold);
}

function lastLoudSample(x: Float32Array, threshold: number): number {
  for (let i = x.length - 1; i >= 0; i--) if (Math.abs(x[i]!) > threshold) return i;
  return -1;
}

function mix(a: PcmAudio, b: PcmAudio): PcmAudio {
  const out = a.samples.slice();
  for (let i = 0; i < out.length; i++) out[i] = out[i]! + (b.samples[i] ?? 0);
  return { samples: out, sampleRate: a.sampleRate };
}

describe('detectSpeech', () => {
  it('finds 60-100 % speech in ~50 s of LibriVox narration', () => {
    const speech = concat([...clips, ...clips]);
    const duration = speech.samples.length / RATE;
    expect(duration).toBeGreaterThan(40);
    const { speechSeconds, regions } = detectSpeech(speech);
    expect(speechSeconds).toBeGreaterThan(0.6 * duration);
    expect(speechSeconds).toBeLessThanOrEqual(duration);
    expect(regions.length).toBeGreaterThan(1);
    const summed = regions.reduce((s, r) => s + r.end - r.start, 0);
    expect(summed).toBeCloseTo(speechSeconds, 9);
    for (let i = 1; i < regions.length; i++) expect(regions[i]!.start).toBeGreaterThan(regions[i - 1]!.end);
  });

  it('counts no speech in digital silence or in steady noise at any level', () => {
    expect(detectSpeech(zeros(30, RATE)).speechSeconds).toBe(0);
    expect(detectSpeech(whiteNoise(30, RATE, -50)).speechSeconds).toBeLessThan(1);
    expect(detectSpeech(whiteNoise(30, 48000, -50, 3)).speechSeconds).toBeLessThan(1);
    expect(detectSpeech(whiteNoise(20, RATE, -30, 4)).speechSeconds).toBeLessThan(1);
    // Swelling, low-tilted room tone: its level moves by several dB, still no speech.
    expect(detectSpeech(roomNoise(30, RATE, -50, 6)).speechSeconds).toBeLessThan(1);
    expect(detectSpeech(roomNoise(30, 22050, -40, 7)).speechSeconds).toBeLessThan(1);
    expect(detectSpeech(whiteNoise(20, RATE, -75, 5)).speechSeconds).toBe(0);
  });

  it('places regions at the true onset and offset when speech is padded with 10 s of silence', () => {
    const clip = clips[0]!;
    const padded = concat([zeros(10, RATE), clip, zeros(10, RATE)]);
    const { regions } = detectSpeech(padded);
    expect(regions.length).toBeGreaterThanOrEqual(1);
    const onset = 10 + firstLoudSample(clip.samples, 0.02) / RATE;
    const offset = 10 + lastLoudSample(clip.samples, 0.02) / RATE;
    expect(regions[0]!.start).toBeGreaterThan(onset - 0.15);
    expect(regions[0]!.start).toBeLessThan(onset + 0.05);
    expect(regions[regions.length - 1]!.end).toBeGreaterThan(offset - 0.05);
    expect(regions[regions.length - 1]!.end).toBeLessThan(offset + 0.35);
  });

  it('still finds the speech, and only the speech, over a -50 dBFS noise bed', () => {
    const clip = clips[3]!;
    const padded = concat([zeros(5, RATE), clip, zeros(5, RATE)]);
    const noisy = mix(padded, roomNoise(padded.samples.length / RATE, RATE, -50, 9));
    const { speechSeconds, regions } = detectSpeech(noisy);
    const clipSeconds = clip.samples.length / RATE;
    expect(speechSeconds).toBeGreaterThan(0.6 * clipSeconds);
    expect(speechSeconds).toBeLessThan(clipSeconds + 0.5);
    expect(regions[0]!.start).toBeGreaterThan(4.9);
    expect(regions[regions.length - 1]!.end).toBeLessThan(5 + clipSeconds + 0.4);
  });

  it('merges gaps under 200 ms and drops blips under 100 ms', () => {
    const tone = (s: number) => sine(200, s, RATE, 0.3);
    const merged = detectSpeech(
      concat([zeros(2, RATE), tone(0.5), zeros(0.1, RATE), tone(0.5), zeros(2, RATE)]),
    );
    expect(merged.regions.length).toBe(1);
    const split = detectSpeech(
      concat([zeros(2, RATE), tone(0.5), zeros(0.6, RATE), tone(0.5), zeros(2, RATE)]),
    );
    expect(split.regions.length).toBe(2);
    const blip = detectSpeech(concat([zeros(2, RATE), tone(0.02), zeros(2, RATE)]));
    expect(blip.regions.length).toBe(0);
  });
});

describe('nonSilentRegions', () => {
  const burstAudio = () =>
    concat([
      zeros(0.5, RATE),
      sine(300, 1, RATE, 0.5),
      zeros(0.5, RATE),
      sine(300, 0.25, RATE, 0.5),
      zeros(0.3, RATE),
    ]);

  it('reports tone bursts to within a millisecond', () => {
    const regions = nonSilentRegions(burstAudio());
    expect(regions.length).toBe(2);
    expect(regions[0]!.start).toBeCloseTo(0.5, 3);
    expect(regions[0]!.end).toBeCloseTo(1.5, 3);
    expect(regions[1]!.start).toBeCloseTo(2.0, 3);
    expect(regions[1]!.end).toBeCloseTo(2.25, 3);
  });

  it('honours threshold, gap and minimum duration options', () => {
    const quiet = concat([zeros(0.5, RATE), sine(300, 0.5, RATE, 0.004), zeros(0.5, RATE)]); // about -51 dBFS RMS
    expect(nonSilentRegions(quiet)).toEqual([]);
    expect(nonSilentRegions(quiet, { thresholdDb: -60 }).length).toBe(1);
    expect(nonSilentRegions(burstAudio(), { minGapSeconds: 0.6 }).length).toBe(1);
    expect(nonSilentRegions(burstAudio(), { minDurationSeconds: 0.5 }).length).toBe(1);
    expect(nonSilentRegions({ samples: new Float32Array(0), sampleRate: RATE })).toEqual([]);
  });
});

describe('trimSilence', () => {
  it('cuts leading and trailing silence, keeping the padding, and reports the offset', () => {
    const audio = concat([zeros(1, RATE), sine(300, 0.5, RATE, 0.5), zeros(2, RATE)]);
    const { audio: trimmed, offsetSeconds } = trimSilence(audio, -50, 0.02);
    expect(offsetSeconds).toBeCloseTo(0.98, 3);
    expect(trimmed.samples.length / RATE).toBeCloseTo(0.54, 2);
    // The first sample of the trimmed clip is the sample at offsetSeconds in the original.
    const k = Math.round(offsetSeconds * RATE);
    expect(trimmed.samples[400]).toBe(audio.samples[k + 400]);
  });

  it('treats low hiss as silence and returns an empty clip for all-silent input', () => {
    const hiss = whiteNoise(3, RATE, -70, 11);
    const withTone = concat([hiss, sine(300, 0.5, RATE, 0.5), hiss]);
    const { offsetSeconds } = trimSilence(withTone);
    expect(offsetSeconds).toBeGreaterThan(2.9);
    const empty = trimSilence(zeros(2, RATE));
    expect(empty.audio.samples.length).toBe(0);
    expect(empty.offsetSeconds).toBe(0);
  });
});
