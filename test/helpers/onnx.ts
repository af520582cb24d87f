import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fixturePath } from './fixtures.js';

/** Debian's python3 with python3-onnx (.ci/run installs it); a pyenv python3 on PATH may lack onnx. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/**
 * A small ONNX graph with Piper's exact input/output signature whose audio is a known function of
 * its inputs (test/fixtures/onnx/piper_graph.py documents which).
 */
export function piperTestGraph(sampleRate: number, speakers: number): string {
  const file = fixturePath(`piper-test-${sampleRate}-${speakers}.onnx`);
  if (!existsSync(file))
    execFileSync(PYTHON, [
      resolve('test/fixtures/onnx/piper_graph.py'),
      file,
      String(sampleRate),
      String(speakers),
    ]);
  return file;
}

/** HOP in piper_graph.py: samples per phoneme id at length_scale 1. */
export const PIPER_TEST_HOP = 256;

/** A Piper sidecar for the test graph: a small phoneme_id_map with Piper's special symbols. */
export function piperTestConfig(sampleRate: number, speakers: number, inference = {}) {
  return {
    audio: { sample_rate: sampleRate, quality: 'test' },
    espeak: { voice: 'en-us' },
    inference: { noise_scale: 0.667, length_scale: 1, noise_w: 0.8, ...inference },
    phoneme_type: 'espeak',
    phoneme_id_map: {
      _: [0],
      '^': [1],
      $: [2],
      ' ': [3],
      h: [20],
      ə: [59],
      l: [24],
      o: [27],
      ʊ: [100],
      ˈ: [120],
      '\u0303': [141],
    },
    num_speakers: speakers,
    speaker_id_map:
      speakers > 1 ? Object.fromEntries(Array.from({ length: speakers }, (_, i) => [`s${i}`, i])) : {},
    piper_version: '1.0.0',
  };
}

/**
 * Symbols eSpeak's IPA uses for English, Korean and Japanese (and then some), with punctuation: a
 * test vocabulary wide enough that real text keeps most of its phonemes.
 */
export const IPA_TEST_SYMBOLS = [
  ...'abcdefghijklmnopqrstuvwxyz',
  ...'æçðøŋœɐɑɒɔɕəɚɛɜɝɟɡɣɤɥɪɫɬɯɰɲɴɸɹɾʁʂʃʊʋʌʎʏʑʒʔʝʤʧʰʲˈˌːˑ˞ᵻᵊ',
  '\u0303',
  '\u0329',
  '\u032a',
  '\u0325',
  ...",.!?;:'-",
];

/** A Piper sidecar whose phoneme_id_map covers IPA_TEST_SYMBOLS (ids from 4 up), for API tests. */
export function piperWideConfig(sampleRate: number, speakers: number, inference = {}) {
  const base = piperTestConfig(sampleRate, speakers, inference);
  const map: Record<string, number[]> = { _: [0], '^': [1], $: [2], ' ': [3] };
  IPA_TEST_SYMBOLS.forEach((s, i) => (map[s] = [4 + i]));
  return { ...base, phoneme_id_map: map };
}

/** Kokoro's signature (test/fixtures/onnx/kokoro_graph.py); `idsName` is input_ids or tokens. */
export function kokoroTestGraph(idsName: 'input_ids' | 'tokens', durations: boolean): string {
  const file = fixturePath(`kokoro-test-${idsName}${durations ? '-dur' : ''}.onnx`);
  if (!existsSync(file))
    execFileSync(PYTHON, [
      resolve('test/fixtures/onnx/kokoro_graph.py'),
      file,
      idsName,
      ...(durations ? ['--durations'] : []),
    ]);
  return file;
}

/** A voices table written by numpy.savez (kokoro_voices.py documents its values). */
export function kokoroTestVoices(names: string[]): string {
  const file = fixturePath(`kokoro-voices-${names.join('_')}.bin`);
  if (!existsSync(file))
    execFileSync(PYTHON, [resolve('test/fixtures/onnx/kokoro_voices.py'), file, names.join(',')]);
  return file;
}

/** Kokoro's config.json, the part the engine reads: a vocabulary (ids from 1; 0 is the pad). */
export function kokoroTestConfig() {
  return { n_token: 178, vocab: Object.fromEntries(IPA_TEST_SYMBOLS.map((s, i) => [s, 1 + i])) };
}

/** Frames per token and samples per frame in kokoro_graph.py. */
export const KOKORO_TEST_HOP = 600;
export function kokoroTestFrames(id: number, speed: number): number {
  return Math.floor((((id % 3) + 1) * 2) / speed);
}
