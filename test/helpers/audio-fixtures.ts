/**
 * Signal generators and external-tool wrappers for the audio unit tests. Generators are deliberately
 * independent of src/audio (their own tiny filters) so a bug there cannot hide itself in a fixture.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PcmAudio } from '../../src/audio/types.js';

export const LIBRIVOX_DIR = '/usr/share/pocketsphinx/test/data/librivox';

export function sine(freq: number, seconds: number, sampleRate: number, amplitude = 0.5): PcmAudio {
  const samples = new Float32Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < samples.length; i++)
    samples[i] = amplitude * Math.sin((2 * Math.PI * freq * i) / sampleRate);
  return { samples, sampleRate };
}

/** Linear chirp from f0 to f1 Hz. */
export function chirp(
  f0: number,
  f1: number,
  seconds: number,
  sampleRate: number,
  amplitude = 0.5,
): PcmAudio {
  const samples = new Float32Array(Math.round(seconds * sampleRate));
  const k = (f1 - f0) / seconds;
  for (let i = 0; i < samples.length; i++) {
    const t = i / sampleRate;
    samples[i] = amplitude * Math.sin(2 * Math.PI * (f0 * t + (k * t * t) / 2));
  }
  return { samples, sampleRate };
}

/** Deterministic PRNG (mulberry32) so noise fixtures are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Gaussian white noise at the given RMS level (dBFS, where a full-scale sine is -3 dB). */
export function whiteNoise(seconds: number, sampleRate: number, rmsDbfs: number, seed = 1): PcmAudio {
  const rand = rng(seed);
  const sigma = Math.pow(10, rmsDbfs / 20);
  const samples = new Float32Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < samples.length; i += 2) {
    // Box-Muller, two values per draw.
    const u = Math.max(1e-12, rand());
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    samples[i] = sigma * r * Math.cos(2 * Math.PI * v);
    if (i + 1 < samples.length) samples[i + 1] = sigma * r * Math.sin(2 * Math.PI * v);
  }
  return { samples, sampleRate };
}

/**
 * A more realistic noise bed than white noise: tilted towards low frequencies (one-pole low-pass mixed
 * with the white source) and slowly swelling by +-3 dB, as ventilation and room tone do. RMS is about
 * `rmsDbfs` on average.
 */
export function roomNoise(seconds: number, sampleRate: number, rmsDbfs: number, seed = 1): PcmAudio {
  const white = whiteNoise(seconds, sampleRate, 0, seed).samples;
  const a = Math.exp((-2 * Math.PI * 400) / sampleRate);
  const y = new Float32Array(white.length);
  let lp = 0;
  let sumSq = 0;
  for (let i = 0; i < white.length; i++) {
    lp = a * lp + (1 - a) * white[i]!;
    const t = i / sampleRate;
    const swell = Math.pow(
      10,
      (3 * Math.sin(2 * Math.PI * 0.23 * t) * Math.sin(2 * Math.PI * 0.071 * t + 1)) / 20,
    );
    y[i] = (4 * lp + 0.3 * white[i]!) * swell;
    sumSq += y[i]! * y[i]!;
  }
  const scale = Math.pow(10, rmsDbfs / 20) / Math.sqrt(sumSq / y.length);
  for (let i = 0; i < y.length; i++) y[i] = y[i]! * scale;
  return { samples: y, sampleRate };
}

/** Approximate magnitude response of a formant resonance (a Lorentzian around `centre`), 1 at the peak. */
function formantGain(freq: number, centre: number, bandwidth: number): number {
  const x = (freq - centre) / (bandwidth / 2);
  return 1 / Math.sqrt(1 + x * x);
}

/**
 * Vowel-like signal by additive synthesis: every harmonic of f0 (which may vary with time) below
 * Nyquist, weighted by three formant resonances and a -6 dB/octave source tilt, scaled to the given
 * peak amplitude. Additive rather than a sample-quantised pulse train, so it is exactly periodic and
 * free of aliasing, which pitch tests need.
 */
export function vowel(
  f0: number | ((t: number) => number),
  seconds: number,
  sampleRate: number,
  amplitude = 0.5,
  formants: [number, number][] = [
    [700, 130],
    [1220, 150],
    [2600, 200],
  ],
): PcmAudio {
  const n = Math.round(seconds * sampleRate);
  const freq = typeof f0 === 'number' ? () => f0 : f0;
  // Harmonic weights are evaluated at the mean f0; with modest f0 movement the envelope shift is immaterial.
  let meanF0 = 0;
  for (let i = 0; i < 100; i++) meanF0 += freq((i / 100) * seconds) / 100;
  const weights: number[] = [];
  // Harmonics above 10 kHz would weigh almost nothing and only slow the fixture down.
  for (let k = 1; k * meanF0 < Math.min(sampleRate / 2 - 200, 10000); k++) {
    const f = k * meanF0;
    const env = formants.reduce((sum, [c, bw]) => sum + formantGain(f, c, bw), 0.02);
    weights.push(env / k);
  }
  const y = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    phase += (2 * Math.PI * freq(i / sampleRate)) / sampleRate;
    if (phase > 2 * Math.PI * 1e6) phase -= 2 * Math.PI * 1e6;
    let v = 0;
    for (let k = 0; k < weights.length; k++) v += weights[k]! * Math.sin((k + 1) * phase);
    y[i] = v;
  }
  let peak = 0;
  for (const v of y) peak = Math.max(peak, Math.abs(v));
  for (let i = 0; i < n; i++) y[i] = (y[i]! / peak) * amplitude;
  return { samples: y, sampleRate };
}

/**
 * Syllable-like bursts: a vowel with a raised-cosine envelope per syllable, `rate` syllables per
 * second, each occupying `duty` of its slot, separated by near-silence.
 */
export function syllableTrain(
  rate: number,
  seconds: number,
  sampleRate: number,
  f0 = 140,
  duty = 0.6,
): PcmAudio {
  const base = vowel((t) => f0 * (1 + 0.05 * Math.sin(2 * Math.PI * 0.7 * t)), seconds, sampleRate, 0.5);
  const slot = 1 / rate;
  for (let i = 0; i < base.samples.length; i++) {
    const t = i / sampleRate;
    const pos = (t % slot) / (slot * duty);
    const env = pos < 1 ? 0.5 - 0.5 * Math.cos(2 * Math.PI * pos) : 0;
    base.samples[i] = base.samples[i]! * env;
  }
  return base;
}

export function concat(parts: PcmAudio[]): PcmAudio {
  const total = parts.reduce((n, p) => n + p.samples.length, 0);
  const samples = new Float32Array(total);
  let o = 0;
  for (const p of parts) {
    samples.set(p.samples, o);
    o += p.samples.length;
  }
  return { samples, sampleRate: parts[0]!.sampleRate };
}

export function zeros(seconds: number, sampleRate: number): PcmAudio {
  return { samples: new Float32Array(Math.round(seconds * sampleRate)), sampleRate };
}

export function peakOf(samples: Float32Array): number {
  let p = 0;
  for (const v of samples) p = Math.max(p, Math.abs(v));
  return p;
}

/** RMS of a range, for amplitude checks that must not depend on the code under test. */
export function rmsOf(samples: Float32Array, from = 0, to = samples.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += samples[i]! * samples[i]!;
  return Math.sqrt(s / (to - from));
}

/** Amplitude of the `freq` component by correlation with sin/cos over a range (a one-bin DFT). */
export function toneAmplitude(
  samples: Float32Array,
  sampleRate: number,
  freq: number,
  from = 0,
  to = samples.length,
): number {
  let re = 0;
  let im = 0;
  for (let i = from; i < to; i++) {
    const w = (2 * Math.PI * freq * i) / sampleRate;
    re += samples[i]! * Math.cos(w);
    im += samples[i]! * Math.sin(w);
  }
  return (2 * Math.hypot(re, im)) / (to - from);
}

export function makeTempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'voicereel-audio-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** ffmpeg's own decode of a file, mono float samples. */
export function ffmpegSamples(path: string): Float32Array {
  const out = execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-ac', '1', '-f', 'f32le', '-'], {
    maxBuffer: 256 << 20,
  });
  return new Float32Array(out.buffer, out.byteOffset, out.byteLength / 4);
}

/** The shift of `y` against `x` over [from, to) that lines them up best, within ±`range` samples. */
export function lagOf(x: Float32Array, y: Float32Array, from: number, to: number, range = 32): number {
  let best = -Infinity;
  let at = 0;
  for (let d = -range; d <= range; d++) {
    let c = 0;
    for (let i = from; i < to; i++) c += x[i]! * (y[i + d] ?? 0);
    if (c > best) [best, at] = [c, d];
  }
  return at;
}

/** Signal to error ratio of `y` against the reference `x` (from `x[0]` and `y[offset]` on), dB. */
export function snrDb(x: Float32Array, y: Float32Array, offset = 0): number {
  let error = 0;
  let energy = 0;
  for (let i = 0; i < x.length; i++) {
    error += ((y[i + offset] ?? 0) - x[i]!) ** 2;
    energy += x[i]! ** 2;
  }
  return 10 * Math.log10(energy / error);
}

/** ffmpeg's EBU R128 integrated loudness (the "I:" line of the ebur128 summary), LUFS. */
export function ffmpegIntegratedLoudness(path: string): number {
  const res = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-nostats', '-i', path, '-af', 'ebur128', '-f', 'null', '-'],
    {
      encoding: 'utf8',
    },
  );
  if (res.status !== 0) throw new Error(`ffmpeg failed: ${res.stderr}`);
  // The summary comes last; take the final "I:" value.
  const matches = [...res.stderr.matchAll(/I:\s+(-?[\d.]+|-inf)\s+LUFS/g)];
  const last = matches[matches.length - 1];
  if (!last) throw new Error('ffmpeg printed no integrated loudness');
  return last[1] === '-inf' ? -Infinity : Number(last[1]);
}

export function ffprobeStream(path: string): {
  sampleRate: number;
  channels: number;
  duration: number;
  codec: string;
} {
  const json = JSON.parse(run('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', path])) as {
    streams: { sample_rate: string; channels: number; duration: string; codec_name: string }[];
  };
  const s = json.streams[0];
  if (!s) throw new Error(`ffprobe found no stream in ${path}`);
  return {
    sampleRate: Number(s.sample_rate),
    channels: s.channels,
    duration: Number(s.duration),
    codec: s.codec_name,
  };
}

/** Renders text with espeak-ng to a WAV file and returns its path. */
export function espeak(dir: string, name: string, voice: string, text: string): string {
  const path = join(dir, `${name}.wav`);
  run('espeak-ng', ['-v', voice, '-w', path, text]);
  return path;
}

export function librivoxPaths(): string[] {
  return readdirSync(LIBRIVOX_DIR)
    .filter((f) => f.endsWith('.wav'))
    .sort()
    .map((f) => join(LIBRIVOX_DIR, f));
}

export function readBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}
