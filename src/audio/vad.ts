import { biquadFilter, highPass } from './biquad.js';
import { frameEnergies, powerToDb } from './frames.js';
import { dropShortRegions, mergeCloseRegions, totalDuration } from './regions.js';
import { percentile } from './stats.js';
import type { PcmAudio, TimeRegion } from './types.js';

// detectSpeech tuning. Speech sits well above a recording's quiet moments; stationary noise varies by a
// dB or two from frame to frame, so 9 dB above the 10th percentile separates the two with room to
// spare, and the absolute floor keeps near-silent files (dither, faint hiss) from producing speech.
const FRAME_SECONDS = 0.03;
const HOP_SECONDS = 0.01;
const NOISE_PERCENTILE = 10;
const ONSET_MARGIN_DB = 9;
/** Once inside speech, a slightly lower threshold holds weak consonants and word endings. */
const HOLD_MARGIN_DB = 6;
const ABSOLUTE_FLOOR_DB = -55;
const HANGOVER_SECONDS = 0.08;
const MERGE_GAP_SECONDS = 0.2;
const MIN_SPEECH_SECONDS = 0.1;

/**
 * Energy-based voice activity detection for reference recordings with real background noise. The
 * threshold adapts to the file's own noise floor, so a file of nothing but steady noise has no speech
 * whatever its level. The floor is the 10th percentile of frame energies, so the recording needs some
 * pauses (a tenth of its length, counting lead-in and tail); one unbroken sustained sound reads as floor.
 */
export function detectSpeech(audio: PcmAudio): { speechSeconds: number; regions: TimeRegion[] } {
  const fs = audio.sampleRate;
  const duration = audio.samples.length / fs;
  const frameLen = Math.max(1, Math.round(FRAME_SECONDS * fs));
  const hop = Math.max(1, Math.round(HOP_SECONDS * fs));
  if (audio.samples.length < frameLen) return { speechSeconds: 0, regions: [] };

  // Rumble and DC offset carry energy but no speech; removing them keeps the floor honest.
  const filtered = biquadFilter(audio.samples, highPass(fs, 80));
  const energyDb = Array.from(frameEnergies(filtered, frameLen, hop), powerToDb).map((db) =>
    Number.isFinite(db) ? db : -200,
  );
  const floor = percentile(energyDb, NOISE_PERCENTILE);
  const onset = Math.max(floor + ONSET_MARGIN_DB, ABSOLUTE_FLOOR_DB);
  const hold = Math.max(floor + HOLD_MARGIN_DB, ABSOLUTE_FLOOR_DB);

  // Runs of active frames: entered above the onset threshold, held while above the hold threshold.
  const runs: { first: number; last: number }[] = [];
  let first = -1;
  for (let f = 0; f <= energyDb.length; f++) {
    const e = f < energyDb.length ? energyDb[f]! : -Infinity;
    if (first < 0) {
      if (e > onset) first = f;
    } else if (!(e > hold)) {
      runs.push({ first, last: f - 1 });
      first = -1;
    }
  }

  // Merge and drop on the runs' cores (frame centres +- half a hop): a frame window is longer than
  // the hop, so spans measured from window edges would make every blip look 20 ms longer.
  const core = (from: number, to: number): TimeRegion => ({
    start: (from * hop + (frameLen - hop) / 2) / fs,
    end: (to * hop + (frameLen + hop) / 2) / fs,
  });
  const merged: { first: number; last: number }[] = [];
  for (const run of runs) {
    const prev = merged[merged.length - 1];
    if (prev && core(run.first, run.last).start - core(prev.first, prev.last).end < MERGE_GAP_SECONDS) {
      prev.last = run.last;
    } else {
      merged.push({ ...run });
    }
  }
  const kept = merged.filter((r) => {
    const c = core(r.first, r.last);
    return c.end - c.start >= MIN_SPEECH_SECONDS;
  });

  // Report from the first window's start (never after the onset) to the last window's end plus a
  // hangover that keeps decaying word endings, without running into the next region.
  const regions = kept.map((r, i) => {
    const next = kept[i + 1];
    const limit = next ? (next.first * hop) / fs : duration;
    const end = (r.last * hop + frameLen) / fs + HANGOVER_SECONDS;
    return { start: (r.first * hop) / fs, end: Math.min(limit, end) };
  });
  return { speechSeconds: totalDuration(regions), regions };
}

export interface NonSilentOptions {
  /** Frame RMS above this (dBFS) counts as sound. Default -45. */
  thresholdDb?: number;
  /** Regions closer than this are joined. Default 0.1 s. */
  minGapSeconds?: number;
  /** Shorter regions are dropped. Default 0.02 s. */
  minDurationSeconds?: number;
}

const NON_SILENT_FRAME_SECONDS = 0.01;

/**
 * Plain absolute-threshold detector on 10 ms frames, for places that need predictable behaviour
 * (mixing, trimming, checking caption times) rather than speech-vs-noise judgement. Region edges are
 * refined to the first and last sample above the threshold amplitude, so they are sample accurate.
 */
export function nonSilentRegions(audio: PcmAudio, opts: NonSilentOptions = {}): TimeRegion[] {
  const thresholdDb = opts.thresholdDb ?? -45;
  const minGap = opts.minGapSeconds ?? 0.1;
  const minDuration = opts.minDurationSeconds ?? 0.02;
  const x = audio.samples;
  const fs = audio.sampleRate;
  if (x.length === 0) return [];
  const frame = Math.max(1, Math.round(NON_SILENT_FRAME_SECONDS * fs));
  const frames = Math.ceil(x.length / frame);
  const thresholdPower = Math.pow(10, thresholdDb / 10);
  const thresholdAmp = Math.pow(10, thresholdDb / 20);

  const raw: TimeRegion[] = [];
  let runStart = -1;
  for (let f = 0; f <= frames; f++) {
    let active = false;
    if (f < frames) {
      const s = f * frame;
      const e = Math.min(x.length, s + frame);
      let sum = 0;
      for (let i = s; i < e; i++) sum += x[i]! * x[i]!;
      active = sum / (e - s) > thresholdPower;
    }
    if (active && runStart < 0) runStart = f;
    if (!active && runStart >= 0) {
      const s = runStart * frame;
      const e = Math.min(x.length, f * frame);
      // A frame whose RMS exceeds the threshold has at least one sample above it, so both searches succeed.
      let first = s;
      while (first < e - 1 && Math.abs(x[first]!) <= thresholdAmp) first++;
      let last = e - 1;
      while (last > first && Math.abs(x[last]!) <= thresholdAmp) last--;
      raw.push({ start: first / fs, end: (last + 1) / fs });
      runStart = -1;
    }
  }
  return dropShortRegions(mergeCloseRegions(raw, minGap), minDuration);
}

/**
 * Cuts leading and trailing silence, keeping `padSeconds` of context on each side. `offsetSeconds` is
 * how much was removed from the front, for shifting word timings. All-silent input gives an empty clip.
 */
export function trimSilence(
  audio: PcmAudio,
  thresholdDb = -50,
  padSeconds = 0.02,
): { audio: PcmAudio; offsetSeconds: number } {
  const fs = audio.sampleRate;
  const regions = nonSilentRegions(audio, { thresholdDb, minGapSeconds: 0, minDurationSeconds: 0 });
  const first = regions[0];
  const last = regions[regions.length - 1];
  if (!first || !last) return { audio: { samples: new Float32Array(0), sampleRate: fs }, offsetSeconds: 0 };
  const start = Math.max(0, Math.round((first.start - padSeconds) * fs));
  const end = Math.min(audio.samples.length, Math.round((last.end + padSeconds) * fs));
  return { audio: { samples: audio.samples.slice(start, end), sampleRate: fs }, offsetSeconds: start / fs };
}
