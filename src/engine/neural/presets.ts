import { familyOf, type NeuralVoiceSpec } from '../families/index.js';
import type { Manifest, ManifestVoice } from '../packs/manifest.js';
import { LANGUAGES, type Language } from '../types.js';

/** The product language of a voice's BCP 47 tag (en-US → en); undefined when not one we script. */
export function languageOf(tag: string): Language | undefined {
  const primary = tag.split('-')[0]!.toLowerCase();
  return (LANGUAGES as readonly string[]).includes(primary) ? (primary as Language) : undefined;
}

/** How a pack's preset voice is asked for (optionally blended with others of the same pack). */
export function presetSpec(
  manifest: Manifest,
  voice: ManifestVoice,
  speed = 1,
  blend?: Array<{ voice: ManifestVoice; weight: number }>,
): NeuralVoiceSpec {
  return familyOf(manifest.family).presetSpec(manifest, voice, speed, blend);
}
