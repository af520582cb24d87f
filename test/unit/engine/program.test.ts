import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mp3Lame } from '../../../src/audio/mp3-lame.js';
import type { AudioBackend, ChunkRequest } from '../../../src/engine/contract.js';
import { ProgramWriter, type ProgramSink } from '../../../src/engine/program.js';
import { programStream } from '../../../src/engine/stream.js';
import { mixChunk } from '../../../src/engine/work/mix.js';
import {
  ffmpegSamples,
  makeTempDir,
  peakOf,
  rng,
  snrDb,
  syllableTrain,
} from '../../helpers/audio-fixtures.js';

let tmp: ReturnType<typeof makeTempDir>;
let backend: Pick<AudioBackend, 'mixChunk'>;
const chunks: ChunkRequest[] = [];
beforeAll(async () => {
  tmp = makeTempDir();
  const lame = await Mp3Lame.create();
  const random = rng(7);
  // The workers' own chunk function, in this thread; chunks finish in a shuffled order, as on a pool.
  backend = {
    mixChunk: async (req) => {
      chunks.push({ ...req, segments: [] });
      await new Promise((r) => setTimeout(r, Math.floor(random() * 30)));
      return mixChunk(req, lame);
    },
  };
});
afterAll(() => tmp.cleanup());

/** A file in memory: appended, and written over in place. */
class MemorySink implements ProgramSink {
  bytes = new Uint8Array(0);
  async append(b: Uint8Array) {
    const out = new Uint8Array(this.bytes.length + b.length);
    out.set(this.bytes);
    out.set(b, this.bytes.length);
    this.bytes = out;
  }
  async writeAt(position: number, b: Uint8Array) {
    this.bytes.set(b, position);
  }
}

function decode(name: string, bytes: Uint8Array): Float32Array {
  const path = join(tmp.dir, name);
  writeFileSync(path, bytes);
  return ffmpegSamples(path);
}

/** Eight lines at the engine's rates, as renderLine returns them. */
const lines = () =>
  Array.from({ length: 8 }, (_, i) =>
    syllableTrain(3 + (i % 3), 0.7 + 0.15 * (i % 4), i % 2 ? 22050 : 24000, 120 + 15 * i),
  );

async function write(format: 'wav' | 'mp3', order: number[]) {
  const sink = new MemorySink();
  const gaps = [0.25, 0.35, 0.55, 0.35, 0.35, 0.55, 0.35, 0.35];
  const opts = { sampleRate: 44100, format, targetLufs: -16, mp3Kbps: 128, tailSeconds: 0.3, gaps };
  const writer = new ProgramWriter(backend, sink, opts);
  const all = lines();
  chunks.length = 0;
  for (const i of order) writer.add(i, all[i]!);
  const program = await writer.finish();
  return { program, bytes: sink.bytes, chunks: [...chunks] };
}

describe('ProgramWriter', () => {
  it('writes the same programme in WAV and MP3 whatever order the lines arrive in, chunk by chunk', async () => {
    const wav = await write('wav', [1, 0, 3, 2, 5, 4, 7, 6]);
    const mp3 = await write('mp3', [0, 2, 1, 4, 3, 6, 5, 7]);
    // Every pause is long enough: one chunk per line, each sent as soon as the lines before it were in.
    expect(mp3.chunks.length).toBe(8);
    expect(mp3.chunks.slice(0, -1).every((c) => c.keepFrames === c.length / 1152)).toBe(true);
    expect(mp3.chunks.at(-1)!.keepFrames).toBeUndefined();
    expect(mp3.program.placements).toEqual(wav.program.placements);
    expect(mp3.program.speech).toEqual(wav.program.speech);
    expect(wav.bytes.length).toBe(wav.program.bytes);
    expect(mp3.bytes.length).toBe(mp3.program.bytes);

    const rate = 44100;
    const total = Math.round(wav.program.durationSeconds * rate);
    const a = decode('p.wav', wav.bytes);
    const b = decode('p.mp3', mp3.bytes);
    expect(a.length).toBe(total);
    // The Info frame trims the MP3 to the programme's exact length.
    expect(b.length).toBe(total);
    for (const [k, p] of mp3.program.placements.entries()) {
      // Captions (where each line is audible) hold in the decoded MP3 to well under 20 ms.
      const s = mp3.program.speech[k]!;
      const from = Math.round(s.start * rate);
      const to = Math.round(s.end * rate);
      const audible = (x: Float32Array) => {
        const i = x.findIndex((v, j) => j >= Math.round(p.start * rate) - 2000 && Math.abs(v) >= 0.01);
        return i;
      };
      expect(Math.abs(audible(b) - from) / rate).toBeLessThan(0.02);
      expect(
        peakOf(b.subarray(to + 2000, Math.round((mp3.program.placements[k + 1]?.start ?? 0) * rate) - 2000)),
      ).toBeLessThan(1e-3);
    }
    // The MP3 decodes to the WAV's audio: no gap, click or drift at the joins.
    expect(snrDb(a, b)).toBeGreaterThan(15);
  });

  it('sends each line to be mixed and encoded as soon as the lines before it are in', async () => {
    const writer = new ProgramWriter(backend, new MemorySink(), {
      sampleRate: 44100,
      format: 'mp3',
      targetLufs: -16,
      mp3Kbps: 128,
      tailSeconds: 0.3,
      gaps: [0.25, 0.35, 0.35, 0.35],
    });
    const all = lines();
    chunks.length = 0;
    writer.add(1, all[1]!);
    expect(chunks.length).toBe(0); // line 0 is not in yet: nothing can be placed
    writer.add(0, all[0]!);
    expect(chunks.length).toBe(2); // lines 0 and 1, each cut in the pause after it
    writer.add(2, all[2]!);
    expect(chunks.length).toBe(3);
    writer.add(3, all[3]!);
    expect(chunks.length).toBe(3); // the last line waits for finish(), with the tail
    await writer.finish();
    expect(chunks.length).toBe(4);
  });

  it('refuses to finish before every line is in, and a line twice', async () => {
    const writer = new ProgramWriter(backend, new MemorySink(), {
      sampleRate: 24000,
      format: 'wav',
      targetLufs: -16,
      mp3Kbps: 64,
      tailSeconds: 0,
      gaps: [0, 0.3],
    });
    const [first] = lines();
    writer.add(0, first!);
    expect(() => writer.add(0, first!)).toThrow(/twice/);
    await expect(writer.finish()).rejects.toThrow(/before every line/);
  });
});

describe('programStream (MP3 on the workers)', () => {
  it('answers each sentence from its own push, and the pieces make one stream', async () => {
    const rate = 24000;
    const pause = new Float32Array(Math.round(0.18 * rate));
    const stream = programStream(backend, 'mp3', rate, 64);
    const sentences = lines()
      .slice(0, 4)
      .map((l) => l.samples.subarray(0, Math.round(l.samples.length * 0.5)));
    const parts: Uint8Array[] = [];
    const all: Float32Array[] = [];
    for (const s of sentences) {
      const withPause = new Float32Array(s.length + pause.length);
      withPause.set(s);
      all.push(withPause);
      const bytes = await stream.push(withPause);
      expect(bytes.length).toBeGreaterThan(0);
      parts.push(bytes);
    }
    parts.push(await stream.end());
    const joined = new Uint8Array(Buffer.concat(parts));
    const samples = new Float32Array(Buffer.concat(all.map((a) => Buffer.from(a.buffer))).buffer);
    const decoded = decode('s.mp3', joined);
    // No Info frame in a stream: decoders keep LAME's delay (576 + 529) and the last frame's padding.
    const delay = 576 + 529;
    expect(decoded.length).toBeGreaterThanOrEqual(samples.length + delay);
    expect(decoded.length - samples.length - delay).toBeLessThan(2 * 576);
    expect(snrDb(samples, decoded, delay)).toBeGreaterThan(10);
  });
});
