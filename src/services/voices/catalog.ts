import type { VoiceProfile } from '../../audio/types.js';
import { ESPEAK_SAMPLE_RATE } from '../../engine/espeak/rate.js';
import { familyOf, type FamilyName } from '../../engine/families/index.js';
import { languageOf, presetSpec } from '../../engine/neural/presets.js';
import { LANGUAGES, type Language } from '../../engine/types.js';
import type { Manifest, ManifestVoice, PackRef } from '../../engine/packs/manifest.js';
import type { LineVoice, NeuralVoiceSpec } from '../../engine/voice-spec.js';
import { round2 } from '../../lib/round.js';
import { closestPresets, matchSpeed } from './match.js';

/** A voice a script line may name (GET /v1/voices). */
export interface CatalogVoice {
  id: string;
  engine: 'builtin' | FamilyName;
  /** BCP 47 tag of the voice; `language` is the product language it is scripted in. */
  lang: string;
  language: Language;
  name: string;
  gender?: 'female' | 'male' | 'neutral';
  sample_rate: number;
  pack?: { name: string; version: string; license: string };
  /** A preset's measured profile (what speakers are matched against). */
  profile?: VoiceProfile;
}

/** Which voice serves a registered speaker, as GET /v1/speakers shows it. */
export interface SpeakerVoice {
  engine: 'builtin' | FamilyName;
  voice: string;
  /** A family that blends (Kokoro): the preset voices whose styles are mixed, with their weights. */
  blend?: Array<{ voice: string; weight: number }>;
  /** Tempo relative to the preset's, matching the speaker's syllable rate. */
  speed: number;
}

interface Preset {
  entry: CatalogVoice;
  manifest: Manifest;
  voice: ManifestVoice;
  /** The pack's model file checksum: preset profiles are cached under it. */
  modelSha256: string;
}

/** Speed a script line may ask for. */
export const SPEED_RANGE = { min: 0.5, max: 2 } as const;

/**
 * The voices on offer: the built-in engine's default voice per language and every preset voice of
 * the installed, verified model packs. Preset voices are measured once (profileVoice) so a
 * registered speaker can be served by the closest one when its engine cannot clone.
 */
export class VoiceCatalog {
  private readonly presets = new Map<string, Preset>();
  private readonly profiles = new Map<string, VoiceProfile>();

  constructor(
    packs: readonly PackRef[],
    private readonly speakerVoices: 'auto' | 'builtin',
  ) {
    for (const { manifest } of packs) {
      const model = manifest.files.find((f) => f.role === 'model')!;
      for (const voice of manifest.voices) {
        const language = languageOf(voice.lang);
        if (!language) continue; // listed in the pack, but not a language scripts are written in
        const id = `${manifest.name}:${voice.id}`;
        this.presets.set(id, {
          manifest,
          voice,
          modelSha256: model.sha256,
          entry: {
            id,
            engine: familyOf(manifest.family).name,
            lang: voice.lang,
            language,
            name: voice.name ?? voice.id,
            ...(voice.gender ? { gender: voice.gender } : {}),
            sample_rate: manifest.sample_rate,
            pack: { name: manifest.name, version: manifest.version, license: manifest.license },
          },
        });
      }
    }
  }

  list(): CatalogVoice[] {
    const presets = [...this.presets.values()].map((p) => {
      const profile = this.profiles.get(p.entry.id);
      return profile ? { ...p.entry, profile } : p.entry;
    });
    return [...LANGUAGES.map(builtinEntry), ...presets];
  }

  get(id: string): CatalogVoice | undefined {
    const builtin = /^builtin-(\w+)$/.exec(id)?.[1];
    if (builtin)
      return (LANGUAGES as readonly string[]).includes(builtin)
        ? builtinEntry(builtin as Language)
        : undefined;
    return this.presets.get(id)?.entry;
  }

  /** The voice of a script line that names a catalog voice. */
  lineVoice(id: string, speed: number): { voice: LineVoice; lang: Language; name: string } | undefined {
    const entry = this.get(id);
    if (!entry) return undefined;
    const preset = this.presets.get(id);
    const voice: LineVoice = preset
      ? presetSpec(preset.manifest, preset.voice, speed)
      : { engine: 'builtin', profile: null, speed };
    return { voice, lang: entry.language, name: entry.name };
  }

  /**
   * The voice that serves a registered speaker: the closest measured preset of its language (Kokoro:
   * a blend of the two closest of one pack) at the speaker's tempo, or the built-in engine shaped by
   * the profile when no pack speaks the language (or speaker_voices = "builtin").
   */
  forSpeaker(
    profile: VoiceProfile | null,
    lang: Language,
    lineSpeed = 1,
  ): { view: SpeakerVoice; voice: LineVoice } {
    const builtin = {
      view: { engine: 'builtin' as const, voice: `builtin-${lang}`, speed: 1 },
      voice: { engine: 'builtin' as const, profile, speed: lineSpeed },
    };
    if (this.speakerVoices === 'builtin' || !profile) return builtin;
    const candidates = [...this.presets.values()].flatMap((p) => {
      const measured = this.profiles.get(p.entry.id);
      return p.entry.language === lang && measured
        ? [{ id: p.entry.id, pack: p.manifest.name, profile: measured }]
        : [];
    });
    const picked = closestPresets(profile, candidates);
    if (picked.length === 0) return builtin;
    const first = this.presets.get(picked[0]!.id)!;
    const speed = round2(matchSpeed(profile, this.profiles.get(first.entry.id)!));
    const family = familyOf(first.manifest.family);
    const view: SpeakerVoice = { engine: family.name, voice: first.entry.id, speed };
    let spec: NeuralVoiceSpec;
    if (family.blends && picked.length > 1) {
      view.blend = picked.map((p) => ({ voice: p.id, weight: p.weight }));
      spec = presetSpec(
        first.manifest,
        first.voice,
        speed * lineSpeed,
        picked.map((p) => ({ voice: this.presets.get(p.id)!.voice, weight: p.weight })),
      );
    } else spec = presetSpec(first.manifest, first.voice, speed * lineSpeed);
    return { view, voice: spec };
  }

  /** Preset voices not measured yet, with what the worker needs to measure them. */
  unmeasured(): Array<{
    id: string;
    modelSha256: string;
    voiceId: string;
    spec: NeuralVoiceSpec;
    lang: Language;
  }> {
    return [...this.presets.values()]
      .filter((p) => !this.profiles.has(p.entry.id))
      .map((p) => ({
        id: p.entry.id,
        modelSha256: p.modelSha256,
        voiceId: p.voice.id,
        spec: presetSpec(p.manifest, p.voice),
        lang: p.entry.language,
      }));
  }

  setProfile(id: string, profile: VoiceProfile): void {
    if (this.presets.has(id)) this.profiles.set(id, profile);
  }

  profileOf(id: string): VoiceProfile | undefined {
    return this.profiles.get(id);
  }
}

function builtinEntry(lang: Language): CatalogVoice {
  return {
    id: `builtin-${lang}`,
    engine: 'builtin',
    lang,
    language: lang,
    name: `Built-in ${lang}`,
    sample_rate: ESPEAK_SAMPLE_RATE,
  };
}
