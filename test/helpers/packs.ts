import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  kokoroTestConfig,
  kokoroTestGraph,
  kokoroTestVoices,
  piperTestGraph,
  piperWideConfig,
} from './onnx.js';

export interface PackFile {
  path: string;
  role: 'model' | 'config' | 'voices' | 'other';
  data: Buffer | string;
}

/** Writes a model pack directory: the files plus a voicereel-model.json listing their sha256. */
export function writePack(
  dir: string,
  opts: {
    family?: string;
    name?: string;
    version?: string;
    files?: PackFile[];
    manifest?: Record<string, unknown>;
  } = {},
): string {
  const family = opts.family ?? 'piper';
  const files: PackFile[] = opts.files ?? [
    { path: 'voice.onnx', role: 'model', data: Buffer.from('not really onnx, but bytes with a checksum') },
    { path: 'voice.onnx.json', role: 'config', data: JSON.stringify({ audio: { sample_rate: 22050 } }) },
  ];
  mkdirSync(dir, { recursive: true });
  for (const f of files) {
    mkdirSync(join(dir, f.path, '..'), { recursive: true });
    writeFileSync(join(dir, f.path), f.data);
  }
  const manifest = {
    format: 1,
    family,
    name: opts.name ?? 'test-voice',
    version: opts.version ?? '1.0.0',
    languages: ['en'],
    sample_rate: 22050,
    license: 'MIT',
    files: files.map((f) => ({
      path: f.path,
      role: f.role,
      sha256: createHash('sha256').update(f.data).digest('hex'),
    })),
    voices: [
      { id: 'alice', lang: 'en', speaker_id: 0, ...(family === 'kokoro' ? { style: 'af_alice' } : {}) },
    ],
    ...opts.manifest,
  };
  writeFileSync(join(dir, 'voicereel-model.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

/** A Piper pack around the test graph (real phoneme map, `speakers` voices s0…). */
export function writePiperPack(
  dir: string,
  opts: { name?: string; rate?: number; speakers?: number; lang?: string } = {},
): string {
  const rate = opts.rate ?? 22050;
  const speakers = opts.speakers ?? 1;
  const lang = opts.lang ?? 'en';
  return writePack(dir, {
    family: 'piper',
    name: opts.name ?? 'piper-test',
    files: [
      { path: 'voice.onnx', role: 'model', data: readFileSync(piperTestGraph(rate, speakers)) },
      { path: 'voice.onnx.json', role: 'config', data: JSON.stringify(piperWideConfig(rate, speakers)) },
    ],
    manifest: {
      languages: [lang],
      sample_rate: rate,
      voices:
        speakers > 1
          ? Array.from({ length: speakers }, (_, i) => ({ id: `s${i}`, lang, speaker_id: i }))
          : [{ id: 'default', lang }],
    },
  });
}

/** A Kokoro pack around the test graph and a numpy-written voices table. */
export function writeKokoroPack(
  dir: string,
  opts: { name?: string; voices?: string[]; durations?: boolean; idsName?: 'input_ids' | 'tokens' } = {},
): string {
  const voices = opts.voices ?? ['af_one', 'am_two'];
  return writePack(dir, {
    family: 'kokoro',
    name: opts.name ?? 'kokoro-test',
    files: [
      {
        path: 'kokoro.onnx',
        role: 'model',
        data: readFileSync(kokoroTestGraph(opts.idsName ?? 'input_ids', opts.durations ?? true)),
      },
      { path: 'voices.bin', role: 'voices', data: readFileSync(kokoroTestVoices(voices)) },
      { path: 'config.json', role: 'config', data: JSON.stringify(kokoroTestConfig()) },
    ],
    manifest: {
      languages: ['en-US'],
      sample_rate: 24000,
      voices: voices.map((v) => ({
        id: v,
        lang: 'en-US',
        style: v,
        gender: v[1] === 'f' ? 'female' : 'male',
      })),
    },
  });
}
