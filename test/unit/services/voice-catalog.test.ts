import { describe, expect, it } from 'vitest';
import type { VoiceProfile } from '../../../src/audio/types.js';
import type { Manifest, PackRef } from '../../../src/engine/packs/manifest.js';
import { VoiceCatalog } from '../../../src/services/voices/catalog.js';
import { closestPresets, matchSpeed, profileDistance } from '../../../src/services/voices/match.js';

/** Which preset serves a registered speaker, and how a script line's `voice` is resolved. */
const profile = (medianF0: number, gender: VoiceProfile['gender'], brightness = 1500, syllableRate = 5) => ({
  medianF0,
  f0RangeSemitones: 4,
  syllableRate,
  brightness,
  gender,
});

function pack(family: 'piper' | 'kokoro', name: string, voices: Manifest['voices']): PackRef {
  return {
    dir: `/models/${name}`,
    manifest: {
      format: 1,
      family,
      name,
      version: '1.0.0',
      languages: ['en'],
      sample_rate: family === 'kokoro' ? 24000 : 22050,
      license: 'MIT',
      files: [{ path: 'm.onnx', role: 'model', sha256: name.padEnd(64, '0').slice(0, 64) }],
      voices,
    },
  };
}

const kokoro = pack('kokoro', 'kk', [
  { id: 'af_a', lang: 'en-US', style: 'af_a' },
  { id: 'af_b', lang: 'en-US', style: 'af_b' },
  { id: 'am_c', lang: 'en-US', style: 'am_c' },
  { id: 'jf_d', lang: 'ja', style: 'jf_d' },
  { id: 'ff_e', lang: 'fr-FR', style: 'ff_e' },
]);
const piper = pack('piper', 'pp', [
  { id: 's0', lang: 'en', speaker_id: 0 },
  { id: 's1', lang: 'en', speaker_id: 1 },
]);

function catalog(mode: 'auto' | 'builtin' = 'auto') {
  const c = new VoiceCatalog([kokoro, piper], mode);
  c.setProfile('kk:af_a', profile(210, 'female', 1600, 4));
  c.setProfile('kk:af_b', profile(240, 'female', 1700, 4));
  c.setProfile('kk:am_c', profile(110, 'male', 1300, 4));
  c.setProfile('kk:jf_d', profile(230, 'female', 1600, 4));
  c.setProfile('pp:s0', profile(100, 'male', 1250, 5));
  c.setProfile('pp:s1', profile(180, 'female', 1500, 5));
  return c;
}

describe('VoiceCatalog', () => {
  it('lists built-in voices, then presets of languages scripts use (fr-FR is left out)', () => {
    const ids = catalog()
      .list()
      .map((v) => v.id);
    expect(ids).toEqual([
      'builtin-ko',
      'builtin-en',
      'builtin-ja',
      'kk:af_a',
      'kk:af_b',
      'kk:am_c',
      'kk:jf_d',
      'pp:s0',
      'pp:s1',
    ]);
    expect(catalog().get('kk:ff_e')).toBeUndefined();
    expect(catalog().get('builtin-xx')).toBeUndefined();
  });

  it('a female speaker near two Kokoro presets gets their blend, weighted towards the closer one', () => {
    const { view, voice } = catalog().forSpeaker(profile(220, 'female', 1620, 4.4), 'en');
    expect(view.engine).toBe('kokoro');
    expect(view.voice).toBe('kk:af_a');
    expect(view.blend!.map((b) => b.voice)).toEqual(['kk:af_a', 'kk:af_b']);
    expect(view.blend![0]!.weight).toBeGreaterThan(view.blend![1]!.weight);
    expect(view.blend![0]!.weight + view.blend![1]!.weight).toBeCloseTo(1, 2);
    expect(view.speed).toBeCloseTo(1.1, 2);
    expect(voice).toMatchObject({
      engine: 'kokoro',
      pack: 'kk',
      espeakVoice: 'en-us',
      blend: [
        { style: 'af_a', weight: view.blend![0]!.weight },
        { style: 'af_b', weight: view.blend![1]!.weight },
      ],
    });
  });

  it('a low male voice goes to the closest preset whatever the pack; Piper voices are not blended', () => {
    const { view, voice } = catalog().forSpeaker(profile(98, 'male', 1240, 5), 'en', 1.5);
    expect(view).toEqual({ engine: 'piper', voice: 'pp:s0', speed: 1 });
    expect(voice).toEqual({ engine: 'piper', pack: 'pp', speakerId: 0, speed: 1.5 });
  });

  it('falls back to the built-in engine: no preset in the language, speaker_voices = "builtin", or no profile', () => {
    const p = profile(120, 'male');
    expect(catalog().forSpeaker(p, 'ko').view).toEqual({ engine: 'builtin', voice: 'builtin-ko', speed: 1 });
    expect(catalog('builtin').forSpeaker(p, 'en').voice).toEqual({ engine: 'builtin', profile: p, speed: 1 });
    expect(catalog().forSpeaker(null, 'en').view.engine).toBe('builtin');
    // Presets not measured yet are not candidates.
    const fresh = new VoiceCatalog([piper], 'auto');
    expect(fresh.forSpeaker(p, 'en').view.engine).toBe('builtin');
    expect(fresh.unmeasured().map((u) => u.id)).toEqual(['pp:s0', 'pp:s1']);
  });

  it('resolves a line naming a voice, with its speed', () => {
    expect(catalog().lineVoice('kk:jf_d', 0.9)).toEqual({
      voice: {
        engine: 'kokoro',
        pack: 'kk',
        blend: [{ style: 'jf_d', weight: 1 }],
        espeakVoice: 'ja',
        speed: 0.9,
      },
      lang: 'ja',
      name: 'jf_d',
    });
    expect(catalog().lineVoice('builtin-ko', 1)).toEqual({
      voice: { engine: 'builtin', profile: null, speed: 1 },
      lang: 'ko',
      name: 'Built-in ko',
    });
  });
});

describe('profile matching', () => {
  it('weighs pitch in thirds of semitones, brightness by octave, and a known gender mismatch', () => {
    expect(profileDistance(profile(200, 'female', 1000), profile(200, 'female', 2000))).toBeCloseTo(1.5, 6);
    expect(profileDistance(profile(200, 'female'), profile(200, 'female'))).toBe(0);
    expect(profileDistance(profile(100, 'male'), profile(200, 'male'))).toBeCloseTo(4, 6);
    expect(profileDistance(profile(200, 'male'), profile(200, 'female'))).toBeCloseTo(2, 6);
    expect(profileDistance(profile(200, 'unknown'), profile(200, 'female'))).toBe(0);
  });

  it('drops a blend partner that would weigh under 15 %, and clamps the tempo match', () => {
    const near = { id: 'a', pack: 'k', profile: profile(200, 'female') };
    const far = { id: 'b', pack: 'k', profile: profile(400, 'female') };
    expect(closestPresets(profile(200, 'female'), [far, near])).toEqual([{ id: 'a', weight: 1 }]);
    expect(matchSpeed(profile(100, 'male', 1500, 9), profile(100, 'male', 1500, 4))).toBe(1.25);
    expect(matchSpeed(profile(100, 'male', 1500, 0), profile(100, 'male', 1500, 4))).toBe(1);
  });
});
