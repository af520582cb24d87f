import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpz } from '../../../src/engine/kokoro/npz.js';
import { KokoroModel, MAX_TOKENS } from '../../../src/engine/kokoro/model.js';
import { readVoices, styleFor } from '../../../src/engine/kokoro/voices.js';
import { loadOnnxRuntime, type OnnxRuntime } from '../../../src/engine/onnx/runtime.js';
import { resolveAppPaths } from '../../../src/runtime/paths.js';
import {
  KOKORO_TEST_HOP,
  kokoroTestConfig,
  kokoroTestFrames,
  kokoroTestGraph,
  kokoroTestVoices,
} from '../../helpers/onnx.js';
import { toneFrequency as frequency } from '../../helpers/signal.js';

/**
 * Kokoro on onnxruntime-node, against graphs with Kokoro's signature (input_ids|tokens, style,
 * speed → waveform[, durations]) and a voices table written by numpy itself.
 */
let ort: OnnxRuntime;
let dir: string;
const models: KokoroModel[] = [];

beforeAll(() => {
  ort = loadOnnxRuntime(resolveAppPaths({}).onnxRuntime);
  dir = mkdtempSync(join(tmpdir(), 'vr-kokoro-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(kokoroTestConfig()));
});
afterAll(async () => {
  for (const m of models) await m.release();
  rmSync(dir, { recursive: true, force: true });
});

async function model(idsName: 'input_ids' | 'tokens', durations: boolean): Promise<KokoroModel> {
  const m = await KokoroModel.load(ort, {
    model: kokoroTestGraph(idsName, durations),
    config: join(dir, 'config.json'),
    voices: kokoroTestVoices(['af_one', 'am_two']),
  });
  models.push(m);
  return m;
}

const peak = (x: Float32Array) => x.reduce((m, s) => Math.max(m, Math.abs(s)), 0);

describe('voices table (numpy.savez → npz reader)', () => {
  it('reads every voice as 510 rows of 256, values where numpy put them', () => {
    const table = readVoices(kokoroTestVoices(['af_one', 'am_two']));
    expect([...table.keys()]).toEqual(['af_one', 'am_two']);
    const two = table.get('am_two')!;
    expect(two.rows).toBe(510);
    expect(two.data[0]).toBeCloseTo(0.1, 6);
    expect(two.data[300 * 256 + 1]).toBeCloseTo(300 / 2000, 6);
  });

  it('picks the row by token count and blends voices by normalized weight', () => {
    const table = readVoices(kokoroTestVoices(['af_one', 'am_two']));
    const s = styleFor(table, [{ style: 'af_one', weight: 1 }], 42);
    expect(s[1]).toBeCloseTo(42 / 2000, 6);
    expect(styleFor(table, [{ style: 'af_one', weight: 1 }], 9999)[1]).toBeCloseTo(509 / 2000, 6);
    const mix = styleFor(
      table,
      [
        { style: 'af_one', weight: 3 },
        { style: 'am_two', weight: 1 },
      ],
      10,
    );
    expect(mix[0]).toBeCloseTo(0.75 * 0.05 + 0.25 * 0.1, 6);
    expect(() => styleFor(table, [{ style: 'nope', weight: 1 }], 1)).toThrow('no voice "nope"');
  });

  it('refuses what is not an npz of float32 arrays, naming the file', () => {
    expect(() => readNpz(Buffer.from('not a zip at all, not even close to one'), 'x.bin')).toThrow(
      'x.bin: not a zip/npz file',
    );
  });
});

describe('KokoroModel on onnxruntime', () => {
  it('pads ids with 0 at both ends, takes the style row of the token count, and the speed', async () => {
    const m = await model('input_ids', true);
    const { ids } = m.tokenize([...'həlˈoʊ']);
    expect(ids.length).toBe(6);
    const out = await m.synthesize(ids, [{ style: 'am_two', weight: 1 }], 1);
    const frames = [0, ...ids, 0].map((id) => kokoroTestFrames(id, 1));
    expect(out.audio.length).toBe(frames.reduce((a, b) => a + b, 0) * KOKORO_TEST_HOP);
    expect([...out.durations!]).toEqual(frames);
    // am_two: style[0] = 0.1 → 250 Hz; row 6 → amplitude 0.3 + 6/2000.
    expect(frequency(out.audio, 24000)).toBeCloseTo(250, -1);
    expect(peak(out.audio)).toBeCloseTo(0.303, 3);
    const fast = await m.synthesize(ids, [{ style: 'am_two', weight: 1 }], 2);
    const fastFrames = [0, ...ids, 0].map((id) => kokoroTestFrames(id, 2));
    expect(fast.audio.length).toBe(fastFrames.reduce((a, b) => a + b, 0) * KOKORO_TEST_HOP);
  });

  it('takes the older "tokens" input name, and works without a durations output', async () => {
    const m = await model('tokens', false);
    const { ids } = m.tokenize([...'abc']);
    const out = await m.synthesize(ids, [{ style: 'af_one', weight: 1 }], 1);
    expect(out.durations).toBeUndefined();
    expect(frequency(out.audio, 24000)).toBeCloseTo(200, -1);
  });

  it('drops symbols outside the vocabulary and refuses more than 510 tokens per call', async () => {
    const m = await model('input_ids', true);
    const t = m.tokenize(['a', '☃', 'b']);
    expect(t.ids).toEqual([kokoroTestConfig().vocab.a, kokoroTestConfig().vocab.b]);
    expect([...t.slotOf]).toEqual([1, -1, 2]);
    await expect(
      m.synthesize(new Array<number>(MAX_TOKENS + 1).fill(5), [{ style: 'af_one', weight: 1 }], 1),
    ).rejects.toThrow('511 tokens; at most 510 per call');
  });

  it('refuses a config without a vocabulary and a graph that is not Kokoro', async () => {
    writeFileSync(join(dir, 'bad.json'), '{"n_token": 3}');
    await expect(
      KokoroModel.load(ort, {
        model: kokoroTestGraph('input_ids', true),
        config: join(dir, 'bad.json'),
        voices: kokoroTestVoices(['af_one', 'am_two']),
      }),
    ).rejects.toThrow('bad.json: no "vocab" object');
    await expect(
      KokoroModel.load(ort, {
        model: resolveAppPaths({}).sileroVad,
        config: join(dir, 'config.json'),
        voices: kokoroTestVoices(['af_one', 'am_two']),
      }),
    ).rejects.toThrow(/not a Kokoro graph \(no input input_ids or tokens/);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toContain('vocab');
  });
});
