import { describe, expect, it } from 'vitest';
import { FAMILY_NAMES, familyOf, isFamily } from '../../../src/engine/families/index.js';
import type { Manifest } from '../../../src/engine/packs/manifest.js';

/** The registry is the one place families are named; each entry answers for its own name. */
describe('model family registry', () => {
  const manifest = (family: string): Manifest => ({
    format: 1,
    family,
    name: 'p',
    version: '1',
    languages: ['en'],
    sample_rate: 22050,
    license: 'MIT',
    files: [{ path: 'm.onnx', role: 'model', sha256: '0'.repeat(64) }],
    voices: [{ id: 'v', lang: 'en-GB', style: 'v', speaker_id: 2 }],
  });

  it('lists piper and kokoro, each under its own name, each needing a model file', () => {
    expect(FAMILY_NAMES).toEqual(['piper', 'kokoro']);
    for (const name of FAMILY_NAMES) {
      const family = familyOf(name);
      expect(family.name).toBe(name);
      expect(family.requiredRoles).toContain('model');
      const m = manifest(name);
      expect(family.presetSpec(m, m.voices[0]!, 1.1)).toMatchObject({ engine: name, pack: 'p', speed: 1.1 });
    }
  });

  it('keeps what differs: Piper picks a speaker id, Kokoro blends styles in an eSpeak voice of the language', () => {
    const m = manifest('kokoro');
    const v = m.voices[0]!;
    expect(familyOf('piper').presetSpec(manifest('piper'), v, 1)).toEqual({
      engine: 'piper',
      pack: 'p',
      speakerId: 2,
      speed: 1,
    });
    expect(
      familyOf('kokoro').presetSpec(m, v, 1, [
        { voice: v, weight: 0.6 },
        { voice: { id: 'w', lang: 'en' }, weight: 0.4 },
      ]),
    ).toEqual({
      engine: 'kokoro',
      pack: 'p',
      blend: [
        { style: 'v', weight: 0.6 },
        { style: 'w', weight: 0.4 },
      ],
      espeakVoice: 'en-gb',
      speed: 1,
    });
    expect([familyOf('piper').blends, familyOf('kokoro').blends]).toEqual([false, true]);
    expect(familyOf('kokoro').voiceProblem({ id: 'x', lang: 'en' })).toBe('kokoro voice x needs "style"');
    expect(familyOf('piper').voiceProblem({ id: 'x', lang: 'en' })).toBeUndefined();
  });

  it('refuses a name it does not know', () => {
    expect(isFamily('fish-speech')).toBe(false);
    expect(() => familyOf('fish-speech')).toThrow('model family "fish-speech" is not supported');
  });
});
