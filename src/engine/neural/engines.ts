import type { EspeakEngine } from '../espeak/engine.js';
import type { LoadedModel, SessionOptions } from '../families/family.js';
import { familyOf, type NeuralVoiceSpec } from '../families/index.js';
import type { OnnxRuntime } from '../onnx/runtime.js';
import type { PackRef } from '../packs/manifest.js';
import type { Language, PhonemeEntry, RenderedSpeech } from '../types.js';
import { languageOf, presetSpec } from './presets.js';

interface Loaded {
  ref: PackRef;
  family: ReturnType<typeof familyOf>;
  model: LoadedModel<NeuralVoiceSpec>;
}

/** Said once per pack when a worker starts; any language's eSpeak reads it. */
const WARM_UP = 'OK.';

/**
 * The neural voices one worker serves: every installed pack loaded once, with one ONNX session per
 * pack for the life of the worker. Text is phonemized with the worker's eSpeak (IPA), mapped to the
 * model's ids and run; word times come from the model's durations when the graph exports them,
 * else from the ids' positions (align.ts).
 */
export class NeuralEngines {
  private constructor(
    private readonly text: EspeakEngine | null,
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

  /** An analysis worker's: no packs, and no eSpeak to phonemize with. */
  static none(): NeuralEngines {
    return new NeuralEngines(null, new Map());
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
  async speak(
    spec: NeuralVoiceSpec,
    sentence: string,
    lang: Language,
    ipa: readonly PhonemeEntry[] = [],
  ): Promise<RenderedSpeech> {
    const loaded = this.packs.get(spec.pack);
    if (!loaded || !this.text) throw new RangeError(`model pack ${spec.pack} is not loaded in this worker`);
    const units = this.text.units(lang, sentence, ipa);
    if (spec.engine !== loaded.family.name)
      throw new TypeError(`${spec.pack} is a ${loaded.family.label} pack`);
    return loaded.model.speak(spec, units, this.text.espeak);
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
  const family = familyOf(p.manifest.family);
  return { ref: p, family, model: await family.load(ort, p, session) };
}

function release(l: Loaded): Promise<void> {
  return l.model.release();
}
