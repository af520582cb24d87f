import { kokoroFamily } from '../kokoro/family.js';
import { piperFamily } from '../piper/family.js';
import type { ModelFamily } from './family.js';

/**
 * The model families packs may use. Adding one is its folder (`src/engine/<name>/`, with a
 * `family.ts` implementing ModelFamily) and its line here; nothing else names families.
 */
const REGISTERED = [piperFamily, kokoroFamily] as const;

export type FamilyName = (typeof REGISTERED)[number]['name'];

/** Which neural voice speaks, and how fast: one family's spec (`engine` is the family, `pack` its name). */
export type NeuralVoiceSpec = ReturnType<(typeof REGISTERED)[number]['presetSpec']>;

export const FAMILY_NAMES: readonly FamilyName[] = REGISTERED.map((f) => f.name);

export function isFamily(name: string): name is FamilyName {
  return (FAMILY_NAMES as readonly string[]).includes(name);
}

/** The family of a manifest's `family` (checked when the manifest was read). */
export function familyOf(name: string): ModelFamily<NeuralVoiceSpec> {
  const family = REGISTERED.find((f) => f.name === name);
  if (!family) throw new RangeError(`model family "${name}" is not supported`);
  return family;
}
