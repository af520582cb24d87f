import { concatAudio, silence } from '../../audio/dsp.js';
import type { Espeak } from '../espeak/module.js';
import type { TextUnit } from '../espeak/text.js';
import { type ModelFamily, packFile, silentSpeech } from '../families/family.js';
import { alignWords } from '../neural/align.js';
import { phonemizeUnits, splitChunk } from '../neural/phonemize.js';
import type { RenderedSpeech, WordTiming } from '../types.js';
import { KokoroModel, MAX_TOKENS } from './model.js';

/** A Kokoro voice of a pack: one style, or a blend of several. */
export interface KokoroVoiceSpec {
  engine: 'kokoro';
  pack: string;
  /** Style table entries and their weights (one entry: a preset voice; more: a blend). */
  blend: Array<{ style: string; weight: number }>;
  /** eSpeak voice for the phonemes (en-us, en-gb, ja…): the preset voice's language. */
  espeakVoice: string;
  speed: number;
}

/** Short pause put between the pieces of a sentence that had to be cut for Kokoro's context. */
const PIECE_GAP_SECONDS = 0.08;

/** Kokoro-82M: one graph, many voices as style vectors, which blend; phonemized as kokoro-onnx does (NFC). */
export const kokoroFamily: ModelFamily<KokoroVoiceSpec> = {
  name: 'kokoro',
  label: 'Kokoro',
  // Kokoro-82M: the graph, its config.json (the phoneme vocabulary) and the voices table (style
  // vectors per voice).
  requiredRoles: ['model', 'config', 'voices'],
  voiceProblem: (v) => (v.style ? undefined : `kokoro voice ${v.id} needs "style"`),
  blends: true,
  presetSpec(manifest, voice, speed, blend) {
    const parts = blend ?? [{ voice, weight: 1 }];
    return {
      engine: 'kokoro',
      pack: manifest.name,
      blend: parts.map((p) => ({ style: p.voice.style ?? p.voice.id, weight: p.weight })),
      espeakVoice: espeakVoiceFor(voice.lang),
      speed,
    };
  },
  async load(ort, p, session) {
    const model = await KokoroModel.load(
      ort,
      { model: packFile(p, 'model'), config: packFile(p, 'config'), voices: packFile(p, 'voices') },
      session,
    );
    for (const v of p.manifest.voices)
      if (!model.voices.has(v.style ?? v.id))
        throw new Error(
          `${p.dir}: voice ${v.id} names style "${v.style ?? v.id}", absent from the voices file`,
        );
    return {
      speak: (spec, units, espeak) => speak(model, spec, units, espeak),
      release: () => model.release(),
    };
  },
};

/** eSpeak voice whose IPA a Kokoro voice of this language was trained on. */
export function espeakVoiceFor(tag: string): string {
  const t = tag.toLowerCase();
  if (t === 'en-gb' || t.startsWith('en-gb-')) return 'en-gb';
  if (t.startsWith('en')) return 'en-us';
  return t.split('-')[0]!;
}

async function speak(
  model: KokoroModel,
  spec: KokoroVoiceSpec,
  units: readonly TextUnit[],
  espeak: Espeak,
): Promise<RenderedSpeech> {
  const rate = model.sampleRate;
  const whole = phonemizeUnits(espeak, units, spec.espeakVoice, 'NFC');
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
  if (parts.length === 0) return silentSpeech(rate);
  const samples = concatAudio(parts.map((p) => ({ samples: p, sampleRate: rate }))).samples;
  return { samples, sampleRate: rate, words };
}
