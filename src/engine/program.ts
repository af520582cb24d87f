import { cutInSilence, type ChunkEncoding } from '../audio/chunk-cut.js';
import { type Placement, ProgramLayout } from '../audio/mix.js';
import { infoTagFrame, infoTagLength, Mp3Tally } from '../audio/mp3-info-tag.js';
import { mp3FrameSamples } from '../audio/mp3-lame.js';
import { wavHeader } from '../audio/stream-encode.js';
import type { AudioFormat } from '../audio/types.js';
import type { AudioBackend, ChunkResult } from './contract.js';

/** Where a programme's file goes: appended in order; the header is written over its placeholder last. */
export interface ProgramSink {
  append(bytes: Uint8Array): Promise<void>;
  writeAt(position: number, bytes: Uint8Array): Promise<void>;
}

export interface ProgramOptions {
  sampleRate: number;
  format: AudioFormat;
  targetLufs: number;
  mp3Kbps: number;
  /** Silence after the last line, so players do not clip the final word. */
  tailSeconds: number;
  /** Silence before each line, seconds (one entry per line). */
  gaps: readonly number[];
}

export interface WrittenProgram {
  durationSeconds: number;
  /** Where each line's samples lie in the programme, seconds (word times are relative to this start). */
  placements: Placement[];
  /** Where each line is audible in the programme, seconds: the caption times. */
  speech: Placement[];
  /** Bytes written to the sink. */
  bytes: number;
}

interface Line {
  samples: Float32Array;
  sampleRate: number;
}

/**
 * Mixes and encodes a synthesis job's programme as its lines are rendered, straight to a file: no
 * thread ever holds the whole programme. Lines arrive in any order (add); once every line up to a
 * pause is in, the stretch up to a cut in that pause (audio/chunk-cut.ts) goes to a worker as one
 * chunk, levelled, resampled and encoded there, in parallel with the rendering and with other
 * chunks. Encoded chunks are appended in programme order; the WAV header or the MP3 Info frame is
 * written over its placeholder at the end, when the lengths are known.
 */
export class ProgramWriter {
  private readonly layout: ProgramLayout;
  private readonly encoding: ChunkEncoding;
  private readonly lines: Array<Line | undefined>;
  private readonly placements: Placement[] = [];
  private readonly speech: Placement[] = [];
  private chunkStart = 0;
  private chunkLines: number[] = [];
  private written: Promise<void> = Promise.resolve();
  private headerBytes = -1;
  private dataBytes = 0;
  private readonly tally = new Mp3Tally();

  constructor(
    private readonly backend: Pick<AudioBackend, 'mixChunk'>,
    private readonly sink: ProgramSink,
    private readonly opts: ProgramOptions,
    private readonly signal?: AbortSignal,
  ) {
    this.layout = new ProgramLayout(opts.sampleRate, opts.gaps);
    this.encoding = opts.format === 'mp3' ? 'mp3' : 'pcm';
    this.lines = new Array<Line | undefined>(opts.gaps.length);
  }

  /** Line `index` is rendered; its samples are handed over (moved to a worker with its chunk). */
  add(index: number, line: Line): void {
    if (index < this.layout.placedCount || this.lines[index])
      throw new Error(`ProgramWriter: line ${index} added twice`);
    this.lines[index] = line;
    const count = this.lines.length;
    for (let i = this.layout.placedCount; i < count && this.lines[i]; i = this.layout.placedCount) {
      const next = this.lines[i]!;
      const at = this.layout.place(this.layout.lengthOf(next.samples.length, next.sampleRate));
      this.placements[i] = at;
      this.chunkLines.push(i);
      if (i === count - 1) break;
      const cut = cutInSilence(at.end, this.layout.nextStart(), this.encoding, this.opts.sampleRate);
      if (cut !== undefined) this.dispatch(cut, false);
    }
  }

  /** After every line was added: encodes the rest, writes the header, and tells where the lines went. */
  async finish(): Promise<WrittenProgram> {
    if (this.layout.placedCount < this.lines.length)
      throw new Error('ProgramWriter: finish() before every line was added');
    const rate = this.opts.sampleRate;
    const total = this.layout.nextStart() + Math.round(this.opts.tailSeconds * rate);
    this.dispatch(total, true);
    await this.written;
    const header =
      this.encoding === 'mp3' ? infoTagFrame(this.tally, total) : wavHeader(rate, this.dataBytes);
    await this.sink.writeAt(0, header);
    const seconds = (p: Placement) => ({ start: p.start / rate, end: p.end / rate });
    return {
      durationSeconds: total / rate,
      placements: this.placements.map(seconds),
      speech: this.speech.map(seconds),
      bytes: this.headerBytes + this.dataBytes,
    };
  }

  /** Sends the lines placed since the last cut, as the stretch up to `end`, to a worker. */
  private dispatch(end: number, last: boolean): void {
    const start = this.chunkStart;
    const indexes = this.chunkLines;
    this.chunkStart = end;
    this.chunkLines = [];
    const segments = indexes.map((i) => {
      const line = this.lines[i]!;
      this.lines[i] = undefined;
      return { samples: line.samples, sampleRate: line.sampleRate, at: this.placements[i]!.start - start };
    });
    const frame = mp3FrameSamples(this.opts.sampleRate);
    const chunk = this.backend.mixChunk(
      {
        sampleRate: this.opts.sampleRate,
        encoding: this.encoding,
        mp3Kbps: this.opts.mp3Kbps,
        length: end - start,
        segments,
        targetLufs: this.opts.targetLufs,
        keepFrames: this.encoding === 'mp3' && !last ? (end - start) / frame : undefined,
      },
      this.signal,
    );
    chunk.catch(() => undefined); // reported through `written`, in order
    this.written = this.written.then(async () => this.write(await chunk, start, indexes));
    this.written.catch(() => undefined); // finish() awaits it; a job that fails earlier never does
  }

  private async write(chunk: ChunkResult, start: number, indexes: number[]): Promise<void> {
    indexes.forEach((line, k) => {
      const s = chunk.speech[k]!;
      this.speech[line] = { start: start + s.start, end: start + s.end };
    });
    if (this.headerBytes < 0) {
      // The header's size is known from the first frame; its content only at the end.
      this.headerBytes = this.encoding === 'mp3' ? infoTagLength(chunk.bytes) : 44;
      await this.sink.append(new Uint8Array(this.headerBytes));
    }
    if (this.encoding === 'mp3') this.tally.add(chunk.bytes);
    await this.sink.append(chunk.bytes);
    this.dataBytes += chunk.bytes.length;
  }
}
