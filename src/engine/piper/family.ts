import type { Espeak } from '../espeak/module.js';
import type { TextUnit } from '../espeak/text.js';
import { type ModelFamily, packFile, silentSpeech } from '../families/family.js';
import { alignWords } from '../neural/align.js';
import { phonemizeUnits } from '../neural/phonemize.js';
import type { RenderedSpeech } from '../types.js';
import { phonemesToIds } from './phoneme-ids.js';
import { PiperVoice } from './voice.js';

/** A Piper voice of a pack; `speakerId` picks the speaker of a multi-speaker voice. */
export interface PiperVoiceSpec {
  engine: 'piper';
  pack: string;
  speakerId?: number;
  speed: number;
}

/** Piper (VITS) voices: one graph per voice, phonemized as piper-phonemize does (eSpeak IPA, NFD). */
export const piperFamily: ModelFamily<PiperVoiceSpec> = {
  name: 'piper',
  label: 'Piper',
  // VITS voice: the graph and its .onnx.json (phoneme_id_map, inference settings, sample rate).
  requiredRoles: ['model', 'config'],
  voiceProblem: () => undefined,
  blends: false,
  presetSpec: (manifest, voice, speed) => ({
    engine: 'piper',
    pack: manifest.name,
    speakerId: voice.speaker_id,
    speed,
  }),
  async load(ort, p, session) {
    const voice = await PiperVoice.load(ort, packFile(p, 'model'), packFile(p, 'config'), session);
    return {
      speak: (spec, units, espeak) => speak(voice, spec, units, espeak),
      release: () => voice.release(),
    };
  },
};

async function speak(
  voice: PiperVoice,
  spec: PiperVoiceSpec,
  units: readonly TextUnit[],
  espeak: Espeak,
): Promise<RenderedSpeech> {
  const rate = voice.sampleRate;
  const chunk = phonemizeUnits(espeak, units, voice.config.espeak.voice, 'NFD');
  if (chunk.symbols.length === 0) return silentSpeech(rate);
  const { ids, slotOf } = phonemesToIds(chunk.symbols, voice.config.phoneme_id_map);
  const samples = await voice.synthesize(ids, { speakerId: spec.speakerId, lengthFactor: 1 / spec.speed });
  const words = alignWords(chunk, slotOf, new Float64Array(ids.length).fill(1), samples.length / rate);
  return { samples, sampleRate: rate, words };
}
