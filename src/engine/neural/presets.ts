import type { Manifest, ManifestVoice } from '../packs/manifest.js';
import { LANGUAGES, type Language, type NeuralVoiceSpec } from '../types.js';

/** The product language of a voice's BCP 47 tag (en-US → en); undefined when not one we script. */
export function languageOf(tag: string): Language | undefined {
  const primary = tag.split('-')[0]!.toLowerCase();
  return (LANGUAGES as readonly string[]).includes(primary) ? (primary as Language) : undefined;
}

/** eSpeak voice whose IPA a Kokoro voice of this language was trained on. */
export function espeakVoiceFor(tag: string): string {
  const t = tag.toLowerCase();
  if (t === 'en-gb' || t.startsWith('en-gb-')) return 'en-gb';
  if (t.startsWith('en')) return 'en-us';
  return t.split('-')[0]!;
}

/** How a pack's preset voice is asked for (optionally blended with others of the same pack). */
export function presetSpec(
  manifest: Manifest,
  voice: ManifestVoice,
  speed = 1,
  blend?: Array<{ voice: ManifestVoice; weight: number }>,
): NeuralVoiceSpec {
  if (manifest.family === 'piper')
    return { engine: 'piper', pack: manifest.name, speakerId: voice.speaker_id, speed };
  const parts = blend ?? [{ voice, weight: 1 }];
  return {
    engine: 'kokoro',
    pack: manifest.name,
    blend: parts.map((p) => ({ style: p.voice.style ?? p.voice.id, weight: p.weight })),
    espeakVoice: espeakVoiceFor(voice.lang),
    speed,
  };
}
