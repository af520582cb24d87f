import { readFileSync } from 'node:fs';
import type { OnnxRuntime } from '../onnx/runtime.js';
import { parsePiperConfig, type PiperConfig } from './config.js';

type Session = Awaited<ReturnType<OnnxRuntime['InferenceSession']['create']>>;

export interface PiperOptions {
  /** Speaker for multi-speaker voices (the `sid` input); ignored by single-speaker voices. */
  speakerId?: number;
  /** Multiplies the sidecar's length_scale: 1 is the voice's own tempo, 1.25 is 25 % slower. */
  lengthFactor?: number;
}

/**
 * A Piper (VITS) voice: the ONNX graph and its sidecar, one session per worker created at load and
 * reused for every call (sessions are never created per request: onnxruntime leaks when they churn).
 */
export class PiperVoice {
  private constructor(
    private readonly ort: OnnxRuntime,
    private readonly session: Session,
    readonly config: PiperConfig,
    private readonly multiSpeaker: boolean,
  ) {}

  get sampleRate(): number {
    return this.config.audio.sample_rate;
  }

  static async load(
    ort: OnnxRuntime,
    modelFile: string,
    configFile: string,
    session: { intraOpThreads?: number; executionProviders?: unknown[] } = {},
  ): Promise<PiperVoice> {
    const config = parsePiperConfig(readFileSync(configFile, 'utf8'), configFile);
    const s = await ort.InferenceSession.create(modelFile, {
      intraOpNumThreads: session.intraOpThreads ?? 1,
      interOpNumThreads: 1,
      // onnxruntime's own warnings (unused initializers…) would go to stderr unstructured.
      logSeverityLevel: 3,
      executionProviders: (session.executionProviders ?? ['cpu']) as never,
      graphOptimizationLevel: 'all',
    });
    for (const name of ['input', 'input_lengths', 'scales'])
      if (!s.inputNames.includes(name))
        throw new Error(
          `${modelFile}: not a Piper voice (no input "${name}"; has ${s.inputNames.join(', ')})`,
        );
    if (!s.outputNames.includes('output'))
      throw new Error(`${modelFile}: not a Piper voice (no output "output")`);
    const multi = s.inputNames.includes('sid');
    if (multi !== config.num_speakers > 1)
      throw new Error(
        `${modelFile}: the graph ${multi ? 'takes' : 'has no'} "sid" but ${configFile} says num_speakers = ${config.num_speakers}`,
      );
    return new PiperVoice(ort, s, config, multi);
  }

  /** Runs the graph on phoneme ids; returns mono samples at the voice's sample rate. */
  async synthesize(ids: number[], opts: PiperOptions = {}): Promise<Float32Array> {
    if (ids.length === 0) return new Float32Array(0);
    const { Tensor } = this.ort;
    const inf = this.config.inference;
    const feeds: Record<string, InstanceType<OnnxRuntime['Tensor']>> = {
      input: new Tensor(
        'int64',
        BigInt64Array.from(ids, (i) => BigInt(i)),
        [1, ids.length],
      ),
      input_lengths: new Tensor('int64', BigInt64Array.from([BigInt(ids.length)]), [1]),
      scales: new Tensor(
        'float32',
        Float32Array.from([inf.noise_scale, inf.length_scale * (opts.lengthFactor ?? 1), inf.noise_w]),
        [3],
      ),
    };
    if (this.multiSpeaker) {
      const sid = opts.speakerId ?? 0;
      if (sid < 0 || sid >= this.config.num_speakers)
        throw new RangeError(`speaker ${sid} is outside 0..${this.config.num_speakers - 1}`);
      feeds.sid = new Tensor('int64', BigInt64Array.from([BigInt(sid)]), [1]);
    }
    const out = await this.session.run(feeds);
    // [1, 1, 1, T] (or [1, 1, T] in some exports): the data is the samples either way.
    return Float32Array.from(out.output!.data as Float32Array);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
