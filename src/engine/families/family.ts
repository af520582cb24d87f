import type { Espeak } from '../espeak/module.js';
import type { TextUnit } from '../espeak/text.js';
import type { OnnxRuntime } from '../onnx/runtime.js';
import type { FileRole, Manifest, ManifestVoice, PackRef } from '../packs/manifest.js';
import type { RenderedSpeech } from '../types.js';

export interface SessionOptions {
  intraOpThreads: number;
  executionProviders: unknown[];
}

/** What every family's voice spec carries: its family, the pack's name and the tempo (1 = own). */
export interface BaseVoiceSpec {
  engine: string;
  pack: string;
  speed: number;
}

/**
 * A model family (Piper, Kokoro…): everything that differs between families, in one object kept in
 * the family's own folder and listed once in the registry (index.ts). The main thread uses the
 * manifest side (roles, voice checks, preset specs); workers and `models install` load and speak.
 */
export interface ModelFamily<Spec extends BaseVoiceSpec = BaseVoiceSpec> {
  /** The manifest's `family` and the voice spec's `engine`. */
  readonly name: Spec['engine'];
  /** How messages name it ("is a Piper pack"). */
  readonly label: string;
  /** File roles a pack of this family needs, exactly one file each. */
  readonly requiredRoles: readonly FileRole[];
  /** Why the family cannot use a voice the manifest lists, or undefined. */
  voiceProblem(voice: ManifestVoice): string | undefined;
  /** A registered speaker may be served by a blend of two preset voices of one pack. */
  readonly blends: boolean;
  /** How a pack's preset voice is asked for (optionally blended with others of the same pack). */
  presetSpec(
    manifest: Manifest,
    voice: ManifestVoice,
    speed: number,
    blend?: Array<{ voice: ManifestVoice; weight: number }>,
  ): Spec;
  /** Loads a pack's sessions once; throws when its files are not what the family needs. */
  load(ort: OnnxRuntime, pack: PackRef, session: SessionOptions): Promise<LoadedModel<Spec>>;
}

/** A loaded pack: speaks sentences (caption units phonemized with the worker's eSpeak) until released. */
export interface LoadedModel<Spec> {
  speak(spec: Spec, units: readonly TextUnit[], espeak: Espeak): Promise<RenderedSpeech>;
  release(): Promise<void>;
}

/** The path of the pack's one file with this role. */
export function packFile(p: PackRef, role: FileRole): string {
  const f = p.manifest.files.find((x) => x.role === role);
  if (!f) throw new Error(`${p.dir}: the manifest lists no ${role} file`);
  return `${p.dir}/${f.path}`;
}

/** Nothing to say (no phonemes the voice knows). */
export function silentSpeech(sampleRate: number): RenderedSpeech {
  return { samples: new Float32Array(0), sampleRate, words: [] };
}
