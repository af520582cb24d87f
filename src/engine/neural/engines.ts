import { concatAudio, silence } from '../../audio/dsp.js';
import type { Manifest } from '../packs/manifest.js';
import type { EspeakEngine } from '../espeak/engine.js';
import { KokoroModel, MAX_TOKENS } from '../kokoro/model.js';
import type { OnnxRuntime } from '../onnx/runtime.js';
import { PiperVoice } from '../piper/voice.js';
import { phonemesToIds } from '../piper/phoneme-ids.js';
import type { Language, NeuralVoiceSpec, RenderedSpeech, WordTiming } from '../types.js';
import { alignWords } from './align.js';
import { languageOf, presetSpec } from './presets.js';
import { phonemizeUnits, splitChunk } from './phonemize.js';

/** An installed pack as the worker is told about it (the main thread has verified it). */
export interface PackRef {
  dir: string;
  manifest: Manifest;
}

export interface SessionOptions {
  intraOpThreads: number;
  executionProviders: unknown[];
}

type Loaded = { ref: PackRef } & (
  { family: 'piper'; voice: PiperVoice } | { family: 'kokoro'; model: KokoroModel }
);

/** Said once per pack when a worker starts; any language's eSpeak reads it. */
const WARM_UP = 'OK.';

/** Short pause put between the pieces of a sentence that had to be cut for Kokoro's context. */
const PIECE_GAP_SECONDS = 0.08;

/**
 * The neural voices one worker serves: every installed pack loaded once, with one ONNX session per
 * pack for the life of the worker. Text is phonemized with the worker's eSpeak (IPA), mapped to the
 * model's ids and run; word times come from the model's durations when the graph exports them,
 * else from the ids' positions (align.ts).
 */
export class NeuralEngines {
  private constructor(
    private readonly text: EspeakEngine,
    private readonly packs: Map<string, Loaded>,
  ) {}

  static async load(
    ort: OnnxRuntime,
    packs: readonly PackRef[],
    text: EspeakEngine,
    session: SessionOptions,
  ): Promise<NeuralEngines> {
    const loaded = new Map<string, Loaded>();
    try {
      for (const p of packs) loaded.set(p.manifest.name, await loadPack(ort, p, session));
    } catch (err) {
      for (const l of loaded.values()) await release(l);
      throw err;
    }
    return new NeuralEngines(text, loaded);
  }

  get size(): number {
    return this.packs.size;
  }

  /** Runs every pack once in its first voice that speaks one of our languages. */
  async warmUp(): Promise<void> {
    for (const { ref } of this.packs.values()) {
      const voice = ref.manifest.voices.find((v) => languageOf(v.lang));
      if (voice) await this.speak(presetSpec(ref.manifest, voice), WARM_UP, languageOf(voice.lang)!);
    }
  }

  /** One sentence in a neural voice: samples at the model's rate and word times within them. */
  async speak(spec: NeuralVoiceSpec, sentence: string, lang: Language): Promise<RenderedSpeech> {
    const loaded = this.packs.get(spec.pack);
    if (!loaded) throw new RangeError(`model pack ${spec.pack} is not loaded in this worker`);
    const units = this.text.units(lang, sentence);
    if (loaded.family === 'piper') {
      if (spec.engine !== 'piper') throw new TypeError(`${spec.pack} is a Piper pack`);
      return this.speakPiper(loaded.voice, spec, units);
    }
    if (spec.engine !== 'kokoro') throw new TypeError(`${spec.pack} is a Kokoro pack`);
    return this.speakKokoro(loaded.model, spec, units);
  }

  private async speakPiper(
    voice: PiperVoice,
    spec: Extract<NeuralVoiceSpec, { engine: 'piper' }>,
    units: ReturnType<EspeakEngine['units']>,
  ): Promise<RenderedSpeech> {
    const rate = voice.sampleRate;
    const chunk = phonemizeUnits(this.text.espeak, units, voice.config.espeak.voice, 'NFD');
    if (chunk.symbols.length === 0) return silent(rate);
    const { ids, slotOf } = phonemesToIds(chunk.symbols, voice.config.phoneme_id_map);
    const samples = await voice.synthesize(ids, { speakerId: spec.speakerId, lengthFactor: 1 / spec.speed });
    const words = alignWords(chunk, slotOf, new Float64Array(ids.length).fill(1), samples.length / rate);
    return { samples, sampleRate: rate, words };
  }

  private async speakKokoro(
    model: KokoroModel,
    spec: Extract<NeuralVoiceSpec, { engine: 'kokoro' }>,
    units: ReturnType<EspeakEngine['units']>,
  ): Promise<RenderedSpeech> {
    const rate = model.sampleRate;
    const whole = phonemizeUnits(this.text.espeak, units, spec.espeakVoice, 'NFC');
    const parts: Float32Array[] = [];
    const words: WordTiming[] = [];
    let offset = 0;
    // Symbols ≥ tokens (unknown symbols are dropped), so pieces of ≤ MAX_TOKENS symbols always fit.
    for (const chunk of splitChunk(whole, MAX_TOKENS)) {
      const { ids, slotOf } = model.tokenize(chunk.symbols);
      if (ids.length === 0) continue;
      const out = await model.synthesize(ids, spec.blend, spec.speed);
      if (parts.length > 0) {
        parts.push(silence(PIECE_GAP_SECONDS, rate).samples);
        offset += Math.round(PIECE_GAP_SECONDS * rate) / rate;
      }
      const seconds = out.audio.length / rate;
      const weights = out.durations ?? new Float64Array(ids.length + 2).fill(1);
      for (const w of alignWords(chunk, slotOf, weights, seconds))
        words.push({ text: w.text, start: offset + w.start, end: offset + w.end });
      parts.push(out.audio);
      offset += seconds;
    }
    if (parts.length === 0) return silent(rate);
    const samples = concatAudio(parts.map((p) => ({ samples: p, sampleRate: rate }))).samples;
    return { samples, sampleRate: rate, words };
  }

  async release(): Promise<void> {
    for (const l of this.packs.values()) await release(l);
    this.packs.clear();
  }
}

/**
 * Loads a pack's sessions once and releases them: what `models install` runs so a pack whose
 * checksums are right but whose model is not what its family needs is refused before the server
 * would fail to start with it.
 */
export async function probePack(ort: OnnxRuntime, p: PackRef): Promise<void> {
  await release(await loadPack(ort, p, { intraOpThreads: 1, executionProviders: ['cpu'] }));
}

async function loadPack(ort: OnnxRuntime, p: PackRef, session: SessionOptions): Promise<Loaded> {
  const file = (role: string) => {
    const f = p.manifest.files.find((x) => x.role === role);
    if (!f) throw new Error(`${p.dir}: the manifest lists no ${role} file`);
    return `${p.dir}/${f.path}`;
  };
  if (p.manifest.family === 'piper') {
    const voice = await PiperVoice.load(ort, file('model'), file('config'), session);
    return { ref: p, family: 'piper', voice };
  }
  const model = await KokoroModel.load(
    ort,
    { model: file('model'), config: file('config'), voices: file('voices') },
    session,
  );
  for (const v of p.manifest.voices)
    if (!model.voices.has(v.style ?? v.id))
      throw new Error(
        `${p.dir}: voice ${v.id} names style "${v.style ?? v.id}", absent from the voices file`,
      );
  return { ref: p, family: 'kokoro', model };
}

/** Nothing to say (no phonemes the voice knows). */
function silent(sampleRate: number): RenderedSpeech {
  return { samples: new Float32Array(0), sampleRate, words: [] };
}

function release(l: Loaded): Promise<void> {
  return l.family === 'piper' ? l.voice.release() : l.model.release();
}
