import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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
