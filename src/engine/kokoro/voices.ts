import { readFileSync } from 'node:fs';
import { readNpz } from './npz.js';

/** Kokoro's style vectors are 256 wide; each voice has one row per input length (1..510 tokens). */
export const STYLE_DIM = 256;

/** name → rows × 256 style table. */
export type StyleTable = Map<string, { rows: number; data: Float32Array }>;

/**
 * Reads the voices file: the v1.0 `.bin` (an npz with one [510, 1, 256] array per voice) or the
 * older voices.json ({ name: [[[256 floats]], …] }).
 */
export function readVoices(file: string): StyleTable {
  const buf = readFileSync(file);
  const table: StyleTable = new Map();
  if (buf[0] === 0x7b /* { */) {
    const json = JSON.parse(buf.toString('utf8')) as Record<string, number[][][]>;
    for (const [name, rows] of Object.entries(json)) {
      const flat = rows.flat(2);
      if (flat.length % STYLE_DIM !== 0) throw new Error(`${file}: voice ${name} is not N × 256`);
      table.set(name, { rows: flat.length / STYLE_DIM, data: Float32Array.from(flat) });
    }
  } else {
    for (const [name, arr] of readNpz(buf, file)) {
      if (arr.shape[arr.shape.length - 1] !== STYLE_DIM)
        throw new Error(`${file}: voice ${name} has shape [${arr.shape.join(', ')}], not [N, 1, 256]`);
      table.set(name, { rows: arr.data.length / STYLE_DIM, data: arr.data });
    }
  }
  if (table.size === 0) throw new Error(`${file}: no voices`);
  return table;
}

/**
 * The style for an input of `tokens` tokens (pads excluded), as Kokoro's reference code picks it:
 * row `tokens` of the voice's table. A blend mixes several voices' rows by weight (normalized).
 */
export function styleFor(
  table: StyleTable,
  blend: ReadonlyArray<{ style: string; weight: number }>,
  tokens: number,
): Float32Array {
  const out = new Float32Array(STYLE_DIM);
  const total = blend.reduce((a, b) => a + Math.max(0, b.weight), 0);
  if (total <= 0) throw new RangeError('style blend weights must add up to more than 0');
  for (const { style, weight } of blend) {
    const v = table.get(style);
    if (!v) throw new RangeError(`voices file has no voice "${style}"`);
    const row = Math.min(Math.max(0, tokens), v.rows - 1);
    const w = Math.max(0, weight) / total;
    for (let i = 0; i < STYLE_DIM; i++) out[i] = out[i]! + w * v.data[row * STYLE_DIM + i]!;
  }
  return out;
}
