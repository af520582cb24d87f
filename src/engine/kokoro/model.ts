import { readFileSync } from 'node:fs';
import type { OnnxRuntime } from '../onnx/runtime.js';
import { type StyleTable, STYLE_DIM, readVoices, styleFor } from './voices.js';

type Session = Awaited<ReturnType<OnnxRuntime['InferenceSession']['create']>>;

/** Tokens per call, pads excluded: the model's context is 512 including the 0 at each end. */
export const MAX_TOKENS = 510;
export const KOKORO_SAMPLE_RATE = 24000;

export interface KokoroOutput {
  audio: Float32Array;
  /** Predicted duration per input position (pads included), when the graph exports it. */
  durations?: Float64Array;
}

/**
 * Kokoro-82M as ONNX (kokoro-onnx's kokoro-v1.0.onnx: inputs tokens/style/speed; the
 * onnx-community export: input_ids/style/speed, optionally with a `durations` output). One session
 * per worker, created at load and reused; the voices table and vocabulary are read once.
 */
export class KokoroModel {
  private constructor(
    private readonly ort: OnnxRuntime,
    private readonly session: Session,
    private readonly vocab: Map<string, number>,
    readonly voices: StyleTable,
    private readonly names: { ids: string; audio: string; durations?: string; speedType: string },
  ) {}

  readonly sampleRate = KOKORO_SAMPLE_RATE;

  static async load(
    ort: OnnxRuntime,
    files: { model: string; config: string; voices: string },
    session: { intraOpThreads?: number; executionProviders?: unknown[] } = {},
  ): Promise<KokoroModel> {
    const vocab = readVocab(files.config);
    const voices = readVoices(files.voices);
    const s = await ort.InferenceSession.create(files.model, {
      intraOpNumThreads: session.intraOpThreads ?? 1,
      interOpNumThreads: 1,
      // onnxruntime's own warnings (unused initializers…) would go to stderr unstructured.
      logSeverityLevel: 3,
      executionProviders: (session.executionProviders ?? ['cpu']) as never,
      graphOptimizationLevel: 'all',
    });
    const ids = ['input_ids', 'tokens'].find((n) => s.inputNames.includes(n));
    for (const [name, ok] of [
      ['input_ids or tokens', ids],
      ['style', s.inputNames.includes('style')],
      ['speed', s.inputNames.includes('speed')],
    ] as const)
      if (!ok)
        throw new Error(
          `${files.model}: not a Kokoro graph (no input ${name}; has ${s.inputNames.join(', ')})`,
        );
    const durations = s.outputNames.find((n) => n === 'durations' || n === 'pred_dur');
    const audio = s.outputNames.find((n) => n !== durations);
    if (!audio) throw new Error(`${files.model}: not a Kokoro graph (no audio output)`);
    const speedMeta = s.inputMetadata.find((m) => m.name === 'speed');
    const speedType = speedMeta?.isTensor ? speedMeta.type : 'float32';
    return new KokoroModel(ort, s, vocab, voices, { ids: ids!, audio, durations, speedType });
  }

  /** Symbols → ids (symbols outside the vocabulary are dropped); slotOf points into the padded input. */
  tokenize(symbols: readonly string[]): { ids: number[]; slotOf: Int32Array } {
    const ids: number[] = [];
    const slotOf = new Int32Array(symbols.length).fill(-1);
    symbols.forEach((s, i) => {
      const id = this.vocab.get(s);
      if (id === undefined) return;
      slotOf[i] = ids.length + 1; // after the leading pad
      ids.push(id);
    });
    return { ids, slotOf };
  }

  async synthesize(
    ids: readonly number[],
    blend: ReadonlyArray<{ style: string; weight: number }>,
    speed: number,
  ): Promise<KokoroOutput> {
    if (ids.length === 0) return { audio: new Float32Array(0) };
    if (ids.length > MAX_TOKENS) throw new RangeError(`${ids.length} tokens; at most ${MAX_TOKENS} per call`);
    const { Tensor } = this.ort;
    const padded = BigInt64Array.from([0, ...ids, 0], (i) => BigInt(i));
    const feeds = {
      [this.names.ids]: new Tensor('int64', padded, [1, padded.length]),
      style: new Tensor('float32', styleFor(this.voices, blend, ids.length), [1, STYLE_DIM]),
      speed:
        this.names.speedType === 'int32'
          ? new Tensor('int32', Int32Array.from([Math.round(speed)]), [1])
          : new Tensor('float32', Float32Array.from([speed]), [1]),
    };
    const out = await this.session.run(feeds);
    const audio = Float32Array.from(out[this.names.audio]!.data as Float32Array);
    const d = this.names.durations ? out[this.names.durations] : undefined;
    const durations = d ? Float64Array.from(d.data as ArrayLike<number | bigint>, Number) : undefined;
    return { audio, durations: durations?.length === padded.length ? durations : undefined };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** The phoneme vocabulary from Kokoro's config.json (`vocab`: symbol → id). */
function readVocab(file: string): Map<string, number> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  const vocab = (raw as { vocab?: unknown })?.vocab;
  if (!vocab || typeof vocab !== 'object') throw new Error(`${file}: no "vocab" object`);
  const map = new Map<string, number>();
  for (const [sym, id] of Object.entries(vocab)) {
    if (!Number.isInteger(id) || (id as number) < 0) throw new Error(`${file}: vocab["${sym}"] is not an id`);
    map.set(sym.normalize('NFC'), id as number);
  }
  return map;
}
