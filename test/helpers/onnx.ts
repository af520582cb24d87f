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
