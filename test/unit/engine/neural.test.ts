import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEspeakEngine, type EspeakEngine } from '../../../src/engine/espeak/engine.js';
import { NeuralEngines } from '../../../src/engine/neural/engines.js';
import { phonemizeUnits, splitChunk } from '../../../src/engine/neural/phonemize.js';
import { loadOnnxRuntime } from '../../../src/engine/onnx/runtime.js';
import { phonemesToIds } from '../../../src/engine/piper/phoneme-ids.js';
import { readManifest } from '../../../src/services/models/packs.js';
import { resolveAppPaths } from '../../../src/runtime/paths.js';
import {
  KOKORO_TEST_HOP,
  kokoroTestConfig,
  kokoroTestFrames,
  PIPER_TEST_HOP,
  piperWideConfig,
} from '../../helpers/onnx.js';
import { writeKokoroPack, writePiperPack } from '../../helpers/packs.js';
import { enginePaths } from './assets.js';

/** Text → eSpeak IPA → model ids → audio and word times, with the real eSpeak and onnxruntime. */
let text: EspeakEngine;
let engines: NeuralEngines;
let dir: string;

beforeAll(async () => {
  text = await createEspeakEngine(enginePaths());
  dir = mkdtempSync(join(tmpdir(), 'vr-neural-'));
  const piper = writePiperPack(join(dir, 'piper'), { speakers: 3 });
  const kokoro = writeKokoroPack(join(dir, 'kokoro'));
  const packs = [piper, kokoro].map((d) => ({ dir: d, manifest: readManifest(d) }));
  engines = await NeuralEngines.load(loadOnnxRuntime(resolveAppPaths({}).onnxRuntime), packs, text, {
    intraOpThreads: 1,
    executionProviders: ['cpu'],
  });
}, 60_000);
afterAll(async () => {
  await engines?.release();
  rmSync(dir, { recursive: true, force: true });
});

const units = (s: string) => text.units('en', s);
/** A Kokoro preset of the test pack, at its own speed. */
const kokoroVoice = (style: string) => ({
  engine: 'kokoro' as const,
  pack: 'kokoro-test',
  blend: [{ style, weight: 1 }],
  espeakVoice: 'en-us',
  speed: 1,
});

describe('phonemizeUnits (eSpeak IPA as Piper and Kokoro voices expect it)', () => {
  it('says words an IPA lexicon entry names with its phonemes, the rest as eSpeak reads them', () => {
    const marked = text.units('en', 'Hello, "nguyen" and NGUYEN world.', [
      { grapheme: 'Nguyen', phonemes: 'ŋwiən' },
      { grapheme: 'World', phonemes: 'wɝld', caseSensitive: true },
    ]);
    expect(marked.map((u) => u.ipa)).toEqual([undefined, 'ŋwiən', undefined, 'ŋwiən', undefined]);
    const c = phonemizeUnits(text.espeak, marked, 'en-us', 'NFC');
    expect(c.symbols.join('')).toBe('həlˈoʊ, ŋwiən ˈænd ŋwiən wˈɜːld.');
    expect(c.words.map((w) => [w.text, c.symbols.slice(w.from, w.to).join('')])).toEqual([
      ['Hello,', 'həlˈoʊ'],
      ['"nguyen"', 'ŋwiən'],
      ['and', 'ˈænd'],
      ['NGUYEN', 'ŋwiən'],
      ['world.', 'wˈɜːld'],
    ]);
  });

  it('keeps clause punctuation, drops separators, and gives each word its phoneme group', () => {
    const c = phonemizeUnits(text.espeak, units('Hello, world. How are you today?'), 'en-us', 'NFC');
    expect(c.symbols.join('')).toBe('həlˈoʊ, wˈɜːld. hˌaʊ ɑːɹ juː tədˈeɪ?');
    expect(c.words.map((w) => c.symbols.slice(w.from, w.to).join(''))).toEqual([
      'həlˈoʊ',
      'wˈɜːld',
      'hˌaʊ',
      'ɑːɹ',
      'juː',
      'tədˈeɪ',
    ]);
    expect(c.words.map((w) => w.text)).toEqual(['Hello,', 'world.', 'How', 'are', 'you', 'today?']);
    expect(c.clauseEnds.map((i) => c.symbols[i - 1])).toEqual([',', '.', '?']);
  });

  it('shares a clause among its words when eSpeak does not write one group per word', () => {
    const c = phonemizeUnits(text.espeak, units('We left in 1990 quietly.'), 'en-us', 'NFD');
    expect(c.words.map((w) => w.text)).toEqual(['We', 'left', 'in', '1990', 'quietly.']);
    for (let i = 1; i < c.words.length; i++) expect(c.words[i]!.from).toBe(c.words[i - 1]!.to);
    const year = c.words[3]!;
    expect(year.to - year.from).toBeGreaterThan(8); // "nineteen ninety" is long
  });

  it('markup characters are spoken, not parsed; synthesis is unchanged afterwards', () => {
    const settings = { voice: 'en-us', rate: 160, pitch: 50, range: 50 };
    const before = text.espeak.synthesize('Same words.', settings).samples;
    const c = phonemizeUnits(text.espeak, units('fish & chips <b>'), 'en-us', 'NFD');
    expect(c.symbols).not.toContain('_');
    expect(c.words.map((w) => w.text)).toEqual(['fish &', 'chips', '<b>']);
    const after = text.espeak.synthesize('Same words.', settings).samples;
    expect(after).toEqual(before);
  });

  it('splits a long chunk after clause punctuation first, then between words', () => {
    const c = phonemizeUnits(text.espeak, units('One two three, four five six seven.'), 'en-us', 'NFC');
    const comma = c.clauseEnds[0]!;
    const parts = splitChunk(c, comma + 3);
    expect(parts[0]!.symbols.join('')).toBe(c.symbols.slice(0, comma).join(''));
    expect(parts.flatMap((p) => p.words.map((w) => w.text))).toEqual(c.words.map((w) => w.text));
    for (const p of parts) expect(p.symbols.length).toBeLessThanOrEqual(comma + 3);
    const tiny = splitChunk(c, 12);
    expect(tiny.flatMap((p) => p.words.map((w) => w.text))).toEqual(c.words.map((w) => w.text));
  });
});

describe('NeuralEngines', () => {
  it('Piper: ids from the sidecar map, the speaker as sid, speed as length scale, words by id position', async () => {
    const out = await engines.speak(
      { engine: 'piper', pack: 'piper-test', speakerId: 2, speed: 1 },
      'Hello world.',
      'en',
    );
    const chunk = phonemizeUnits(text.espeak, units('Hello world.'), 'en-us', 'NFD');
    const { ids, slotOf } = phonemesToIds(chunk.symbols, piperWideConfig(22050, 3).phoneme_id_map);
    expect(out.sampleRate).toBe(22050);
    expect(out.samples.length).toBe(ids.length * PIPER_TEST_HOP);
    const perId = PIPER_TEST_HOP / 22050;
    expect(out.words.map((w) => w.text)).toEqual(['Hello', 'world.']);
    expect(out.words[0]!.start).toBeCloseTo(slotOf[0]! * perId, 6);
    expect(out.words[1]!.start).toBeCloseTo(slotOf[chunk.words[1]!.from]! * perId, 6);
    const slow = await engines.speak(
      { engine: 'piper', pack: 'piper-test', speakerId: 2, speed: 0.5 },
      'Hello world.',
      'en',
    );
    expect(slow.samples.length).toBe(ids.length * PIPER_TEST_HOP * 2);
    expect(slow.words[1]!.start).toBeCloseTo(out.words[1]!.start * 2, 6);
  });

  it('Kokoro: word times are the model’s own durations', async () => {
    const out = await engines.speak(kokoroVoice('af_one'), 'Hello world.', 'en');
    const chunk = phonemizeUnits(text.espeak, units('Hello world.'), 'en-us', 'NFC');
    const vocab = kokoroTestConfig().vocab as Record<string, number>;
    const ids = chunk.symbols.map((s) => vocab[s]).filter((i): i is number => i !== undefined);
    const frames = [0, ...ids, 0].map((id) => kokoroTestFrames(id, 1));
    expect(out.sampleRate).toBe(24000);
    expect(out.samples.length).toBe(frames.reduce((a, b) => a + b, 0) * KOKORO_TEST_HOP);
    const secs = (n: number) => (frames.slice(0, n).reduce((a, b) => a + b, 0) * KOKORO_TEST_HOP) / 24000;
    const helloLen = chunk.words[0]!.to - chunk.words[0]!.from;
    expect(out.words[0]!.start).toBeCloseTo(secs(1), 6);
    expect(out.words[0]!.end).toBeCloseTo(secs(1 + helloLen), 6);
  });

  it('Piper and Kokoro are fed an IPA entry’s phonemes as ids, not eSpeak’s reading of the word', async () => {
    const ipa = [{ grapheme: 'Nguyen', phonemes: 'ŋwiən' }];
    const expected = (form: 'NFD' | 'NFC') =>
      ['ŋwiən', ' ', ...phonemizeUnits(text.espeak, units('waited.'), 'en-us', form).symbols].join('');
    // Piper: one stretch of HOP samples per id, and the first id sets the pitch of them all.
    const piperIds = (symbols: string) =>
      phonemesToIds([...symbols.normalize('NFD')], piperWideConfig(22050, 3).phoneme_id_map).ids;
    const piper = { engine: 'piper' as const, pack: 'piper-test', speakerId: 0, speed: 1 };
    const given = await engines.speak(piper, 'Nguyen waited.', 'en', ipa);
    expect(given.samples.length).toBe(piperIds(expected('NFD')).length * PIPER_TEST_HOP);
    const guessed = await engines.speak(piper, 'Nguyen waited.', 'en');
    const eSpeaks = phonemizeUnits(text.espeak, units('Nguyen waited.'), 'en-us', 'NFD').symbols.join('');
    expect(guessed.samples.length).toBe(piperIds(eSpeaks).length * PIPER_TEST_HOP);
    expect(piperIds(eSpeaks).length).not.toBe(piperIds(expected('NFD')).length); // "nˈuːjɛn"
    // Kokoro: every id has its own number of frames, and the word ends where its ids do.
    const vocab = kokoroTestConfig().vocab as Record<string, number>;
    const ids = [...expected('NFC')].map((s) => vocab[s]).filter((i): i is number => i !== undefined);
    const frames = [0, ...ids, 0].map((id) => kokoroTestFrames(id, 1));
    const secs = (n: number) => (frames.slice(0, n).reduce((a, b) => a + b, 0) * KOKORO_TEST_HOP) / 24000;
    const kokoro = await engines.speak(kokoroVoice('af_one'), 'Nguyen waited.', 'en', ipa);
    expect(kokoro.samples.length).toBe(secs(frames.length) * 24000);
    expect(kokoro.words.map((w) => w.text)).toEqual(['Nguyen', 'waited.']);
    expect(kokoro.words[0]!.end).toBeCloseTo(secs(1 + 'ŋwiən'.length), 6);
  });

  it('Kokoro: text longer than 510 tokens is cut at a clause and spoken in pieces', async () => {
    const sentence = Array.from({ length: 40 }, (_, i) => `word number ${i + 1}`).join(', ') + '.';
    const out = await engines.speak(kokoroVoice('am_two'), sentence, 'en');
    expect(out.words).toHaveLength(120);
    for (let i = 1; i < out.words.length; i++)
      expect(out.words[i]!.start).toBeGreaterThanOrEqual(out.words[i - 1]!.end - 1e-9);
    expect(out.words[119]!.end).toBeLessThanOrEqual(out.samples.length / 24000 + 1e-9);
  });

  it('refuses a pack it has not loaded and a spec of the wrong family', async () => {
    await expect(engines.speak({ engine: 'piper', pack: 'nope', speed: 1 }, 'Hi.', 'en')).rejects.toThrow(
      'model pack nope is not loaded',
    );
    await expect(
      engines.speak({ engine: 'piper', pack: 'kokoro-test', speed: 1 }, 'Hi.', 'en'),
    ).rejects.toThrow('kokoro-test is a Kokoro pack');
  });
});
