import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxRuntime, type OnnxRuntime } from '../../../src/engine/onnx/runtime.js';
import { parsePiperConfig } from '../../../src/engine/piper/config.js';
import { phonemesToIds } from '../../../src/engine/piper/phoneme-ids.js';
import { PiperVoice } from '../../../src/engine/piper/voice.js';
import { resolveAppPaths } from '../../../src/runtime/paths.js';
import { PIPER_TEST_HOP, piperTestConfig, piperTestGraph } from '../../helpers/onnx.js';
import { toneFrequency as frequency } from '../../helpers/signal.js';

/**
 * The Piper family on onnxruntime-node, against graphs built by the tests with Piper's exact
 * signature (input, input_lengths, scales, sid → output) whose audio is a known function of the
 * inputs: length N·256·length_scale, a sine of (200 + 100·sid)·(1 + first_id/1000) Hz.
 */

let ort: OnnxRuntime;
const dirs: string[] = [];
const voices: PiperVoice[] = [];

function sidecar(rate: number, speakers: number, inference = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'vr-piper-'));
  dirs.push(dir);
  const file = join(dir, 'voice.onnx.json');
  writeFileSync(file, JSON.stringify(piperTestConfig(rate, speakers, inference)));
  return file;
}

async function voice(rate: number, speakers: number, inference = {}): Promise<PiperVoice> {
  const v = await PiperVoice.load(ort, piperTestGraph(rate, speakers), sidecar(rate, speakers, inference));
  voices.push(v);
  return v;
}

beforeAll(() => {
  ort = loadOnnxRuntime(resolveAppPaths({}).onnxRuntime);
});
afterAll(async () => {
  for (const v of voices) await v.release();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('phonemesToIds (piper-phonemize convention)', () => {
  const map = piperTestConfig(22050, 1).phoneme_id_map;
  it('BOS PAD (phoneme PAD)* EOS, one id list per code point', () => {
    const { ids, missing, slotOf } = phonemesToIds('həlˈoʊ', map);
    expect(ids).toEqual([1, 0, 20, 0, 59, 0, 24, 0, 120, 0, 27, 0, 100, 0, 2]);
    expect(missing).toEqual([]);
    expect([...slotOf]).toEqual([2, 4, 6, 8, 10, 12]);
  });
  it('decomposes (NFD) so a combining mark is its own phoneme, and reports unknown ones', () => {
    // õ = o + U+0303 after NFD; "x" is not in the voice's map.
    const r = phonemesToIds('õx', map);
    expect(r.ids).toEqual([1, 0, 27, 0, 141, 0, 2]);
    expect(r.missing).toEqual(['x']);
    expect([...r.slotOf]).toEqual([2, 4, -1]);
  });
});

describe('parsePiperConfig', () => {
  it('names a missing special symbol and a bad field', () => {
    const c = piperTestConfig(22050, 1) as Record<string, unknown>;
    const noBos = { ...c, phoneme_id_map: { _: [0], $: [2] } };
    expect(() => parsePiperConfig(JSON.stringify(noBos), 'v.onnx.json')).toThrow(
      'v.onnx.json: phoneme_id_map has no "^"',
    );
    expect(() =>
      parsePiperConfig(JSON.stringify({ ...c, audio: { sample_rate: 'fast' } }), 'v.onnx.json'),
    ).toThrow(/^v\.onnx\.json: audio\.sample_rate: /);
  });
});

describe('PiperVoice on onnxruntime', () => {
  it('feeds ids and the sidecar scales: length follows N·hop·length_scale, rate is the sidecar’s', async () => {
    const v = await voice(16000, 1, { length_scale: 1.5 });
    expect(v.sampleRate).toBe(16000);
    const ids = [1, 0, 20, 0, 59, 0, 2];
    const out = await v.synthesize(ids);
    expect(out.length).toBe(Math.floor(ids.length * PIPER_TEST_HOP * 1.5));
    // lengthFactor scales the sidecar's length_scale (speed control).
    expect((await v.synthesize(ids, { lengthFactor: 2 })).length).toBe(
      Math.floor(ids.length * PIPER_TEST_HOP * 3),
    );
    // First id 1 → 200 · 1.001 Hz.
    expect(frequency(out, 16000)).toBeGreaterThan(170);
    expect(frequency(out, 16000)).toBeLessThan(230);
  });

  it('selects the speaker through sid on multi-speaker voices', async () => {
    const v = await voice(22050, 4);
    const ids = Array.from({ length: 200 }, (_, i) => (i === 0 ? 0 : 5));
    const f0 = frequency(await v.synthesize(ids, { speakerId: 0 }), 22050);
    const f3 = frequency(await v.synthesize(ids, { speakerId: 3 }), 22050);
    expect(f0).toBeCloseTo(200, -1);
    expect(f3).toBeCloseTo(500, -1);
    await expect(v.synthesize(ids, { speakerId: 4 })).rejects.toThrow('speaker 4 is outside 0..3');
  });

  it('the noise_scale of the sidecar reaches the graph', async () => {
    const loud = await voice(22050, 1, { noise_scale: 0.667 });
    const quiet = await voice(22050, 1, { noise_scale: 0.3335 });
    const peak = (x: Float32Array) => x.reduce((m, s) => Math.max(m, Math.abs(s)), 0);
    const ids = [1, 0, 20, 0, 2, 0, 0, 0];
    expect(peak(await loud.synthesize(ids))).toBeCloseTo(0.5, 2);
    expect(peak(await quiet.synthesize(ids))).toBeCloseTo(0.25, 2);
  });

  it('refuses a graph and sidecar that disagree on speakers, and a graph that is not Piper', async () => {
    await expect(PiperVoice.load(ort, piperTestGraph(22050, 4), sidecar(22050, 1))).rejects.toThrow(
      /the graph takes "sid" but .* says num_speakers = 1/,
    );
    const vad = resolveAppPaths({}).sileroVad;
    await expect(PiperVoice.load(ort, vad, sidecar(16000, 1))).rejects.toThrow(
      /not a Piper voice \(no input "input_lengths"/,
    );
  });
});
