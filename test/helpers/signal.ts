import { execFileSync } from 'node:child_process';

/**
 * Decodes any audio file with ffmpeg (independent of our decoder) to mono float samples at its own
 * rate, and measures 10 ms frame levels: what the tests compare caption times against.
 */
export function ffmpegDecode(file: string, sampleRate: number): Float32Array {
  const raw = execFileSync(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-f', 'f32le', '-ac', '1', '-ar', String(sampleRate), '-'],
    {
      maxBuffer: 1 << 30,
    },
  );
  return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
}

export const FRAME_SECONDS = 0.01;

/**
 * Peak level of each 10 ms frame, dBFS: a frame counts as audible when any of its samples does.
 * (An RMS level lags a decaying word ending by tens of milliseconds, which would blur the check.)
 */
export function frameLevelsDb(samples: Float32Array, sampleRate: number): number[] {
  // Frame edges at exact multiples of 10 ms (22050 Hz has no whole number of samples per frame).
  const edge = (f: number) => Math.floor(f * sampleRate * FRAME_SECONDS + 1e-9);
  const levels: number[] = [];
  for (let f = 0; edge(f + 1) <= samples.length; f++) {
    let peak = 0;
    for (let j = edge(f); j < edge(f + 1); j++) peak = Math.max(peak, Math.abs(samples[j] ?? 0));
    levels.push(20 * Math.log10(peak + 1e-12));
  }
  return levels;
}

/** First frame at or after `from` seconds whose level reaches `thresholdDb`; its time in seconds. */
export function onsetAfter(levels: number[], from: number, thresholdDb: number): number {
  for (let i = Math.max(0, Math.floor(from / FRAME_SECONDS)); i < levels.length; i++) {
    if ((levels[i] ?? -Infinity) >= thresholdDb) return i * FRAME_SECONDS;
  }
  return Infinity;
}

/** End of the last frame before `until` seconds whose level reaches `thresholdDb`. */
export function offsetBefore(levels: number[], until: number, thresholdDb: number): number {
  for (let i = Math.min(levels.length, Math.ceil(until / FRAME_SECONDS)) - 1; i >= 0; i--) {
    if ((levels[i] ?? -Infinity) >= thresholdDb) return (i + 1) * FRAME_SECONDS;
  }
  return -Infinity;
}

export function maxLevel(levels: number[], from: number, to: number): number {
  let max = -Infinity;
  for (let i = Math.ceil(from / FRAME_SECONDS); i < Math.floor(to / FRAME_SECONDS); i++)
    max = Math.max(max, levels[i] ?? -Infinity);
  return max;
}

/** Dominant frequency of a pure tone by upward zero crossings (the test graphs speak sines). */
export function toneFrequency(x: Float32Array, rate: number): number {
  let crossings = 0;
  for (let i = 1; i < x.length; i++) if (x[i - 1]! < 0 && x[i]! >= 0) crossings++;
  return (crossings * rate) / x.length;
}
