import { beforeAll, describe, expect, it } from 'vitest';
import { decodeAudio } from '../../../src/audio/decode.js';
import { analyzeVoice } from '../../../src/audio/profile.js';
import { MAX_TILT_DB } from '../../../src/audio/tilt.js';
import type { PcmAudio, VoiceProfile } from '../../../src/audio/types.js';
import {
  type BrightnessCalibration,
  brightnessTilt,
  calibrateBrightness,
  measureBrightness,
} from '../../../src/engine/espeak/brightness.js';
import { createEspeakEngine, type EspeakEngine } from '../../../src/engine/espeak/engine.js';
import { loadEspeak } from '../../../src/engine/espeak/module.js';
import type { Language, RenderedSpeech } from '../../../src/engine/types.js';
import { librivoxPaths, readBytes } from '../../helpers/audio-fixtures.js';
import { enginePaths } from './assets.js';

const MALE: VoiceProfile = {
  medianF0: 120,
  f0RangeSemitones: 5,
  syllableRate: 4.5,
  brightness: 0,
  gender: 'male',
};
const FEMALE: VoiceProfile = { ...MALE, medianF0: 220, gender: 'female' };
const DARK = 1200;
const BRIGHT = 2600;

const TEXT: Record<Language, string> = {
  en:
    'Welcome back to the show, everyone. Today we talk about old trains and the people who ran them. ' +
    'Did you ever ride one? I did, when I was young.',
  ko: '여러분, 다시 오신 것을 환영합니다. 오늘은 오래된 기차 이야기를 합니다.',
  ja: '皆さん、おかえりなさい。今日は古い電車の話をします。',
};

const asAudio = (r: RenderedSpeech): PcmAudio => ({ samples: r.samples, sampleRate: r.sampleRate });

describe('brightness measurement and tilt choice', () => {
  it('measures brightness exactly as analyzeVoice does', async () => {
    const espeak = await loadEspeak(enginePaths().espeakData);
    const rendered = espeak.synthesize(TEXT.en, { voice: 'en-us+f3', pitch: 60, range: 50, rate: 175 });
    const clips: PcmAudio[] = [
      { samples: rendered.samples, sampleRate: espeak.sampleRate },
      await decodeAudio(readBytes(librivoxPaths()[1]!)),
    ];
    for (const clip of clips) expect(measureBrightness(clip)).toBe(analyzeVoice(clip).brightness);
  });

  it('picks no tilt for an unknown target, about none for the natural one, and clamps far ones', () => {
    // Shaped like eSpeak's measurements: ~20 dB of tilt per octave of centroid.
    const cal: BrightnessCalibration = { naturalAt: [1600, 1650, 1800], logGainAt: [-0.3, 0, 0.26] };
    const grid = [0, 50, 99];
    expect(brightnessTilt(cal, grid, 50, 0)).toBe(0);
    expect(brightnessTilt(cal, grid, 50, 1650)).toBe(0);
    expect(brightnessTilt(cal, grid, 99, 1800)).toBe(0);
    expect(brightnessTilt(cal, grid, 50, 1650 * Math.exp(0.13))).toBeCloseTo(MAX_TILT_DB / 2, 1);
    expect(brightnessTilt(cal, grid, 50, 1650 * Math.exp(-0.15))).toBeCloseTo(-MAX_TILT_DB / 2, 1);
    expect(brightnessTilt(cal, grid, 50, 9000)).toBe(MAX_TILT_DB);
    expect(brightnessTilt(cal, grid, 50, 300)).toBe(-MAX_TILT_DB);
    // A calibration that measured nothing (silent renderings) never tilts.
    expect(brightnessTilt({ naturalAt: [0, 0, 0], logGainAt: [0, 0, 0] }, grid, 50, 2000)).toBe(0);
  });

  it('calibrates in well under 100 ms per voice once warm', async () => {
    const espeak = await loadEspeak(enginePaths().espeakData);
    const text = 'Good morning. The train leaves at nine and is usually on time. Are you coming with us?';
    const renders = [0, 50, 99].map((pitch) => ({
      samples: espeak.synthesize(text, { voice: 'en-us+m3', pitch, range: 50, rate: 300 }).samples,
      sampleRate: espeak.sampleRate,
    }));
    calibrateBrightness(renders, 1); // JIT warm-up
    const t = performance.now();
    const cal = calibrateBrightness(renders, 1);
    const ms = performance.now() - t;
    console.log(
      `brightness calibration: ${ms.toFixed(0)} ms, natural ${cal.naturalAt.map(Math.round).join('/')} Hz`,
    );
    expect(cal.logGainAt[0]!).toBeLessThan(-0.2); // −8 dB: at least 0.3 octave darker
    expect(cal.logGainAt[2]!).toBeGreaterThan(0.2);
  });
});

describe('eSpeak engine: brightness', () => {
  let engine: EspeakEngine;
  beforeAll(async () => {
    engine = await createEspeakEngine(enginePaths());
  });

  const speak = (lang: Language, profile: VoiceProfile): Promise<RenderedSpeech> =>
    engine.speak({ text: TEXT[lang], lang, profile });

  it('moves each voice towards its brightness without touching pitch, length or word starts', async () => {
    const plain = await speak('en', MALE); // brightness 0: unknown, so no tilt
    const dark = await speak('en', { ...MALE, brightness: DARK });
    const bright = await speak('en', { ...MALE, brightness: BRIGHT });
    const [p, d, b] = [plain, dark, bright].map((r) => analyzeVoice(asAudio(r)));
    console.log(
      `en male brightness: untilted ${p!.brightness.toFixed(0)} Hz, ` +
        `target ${DARK} -> ${d!.brightness.toFixed(0)} Hz, target ${BRIGHT} -> ${b!.brightness.toFixed(0)} Hz`,
    );
    expect(b!.brightness / d!.brightness).toBeGreaterThan(1.15);
    expect(Math.abs(d!.brightness - DARK)).toBeLessThan(Math.abs(p!.brightness - DARK));
    expect(Math.abs(b!.brightness - BRIGHT)).toBeLessThan(Math.abs(p!.brightness - BRIGHT));
    for (const [r, a] of [
      [dark, d!],
      [bright, b!],
    ] as const) {
      expect(r.samples.length).toBe(plain.samples.length);
      expect(Math.abs(a.medianF0 / p!.medianF0 - 1)).toBeLessThan(0.03);
      // Starts come from eSpeak's events; ends from the sound, whose level the tilt changes a little.
      expect(r.words.map((w) => w.start)).toEqual(plain.words.map((w) => w.start));
      r.words.forEach((w, i) => expect(Math.abs(w.end - plain.words[i]!.end)).toBeLessThanOrEqual(0.02));
      expect(r.samples.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeLessThanOrEqual(1);
    }
  });

  it.each<[Language, VoiceProfile]>([
    ['en', FEMALE],
    ['ko', FEMALE],
    ['ja', MALE],
  ])('keeps brightness in order in %s too', async (lang, profile) => {
    const plain = analyzeVoice(asAudio(await speak(lang, profile))).brightness;
    const dark = analyzeVoice(asAudio(await speak(lang, { ...profile, brightness: DARK }))).brightness;
    const bright = analyzeVoice(asAudio(await speak(lang, { ...profile, brightness: BRIGHT }))).brightness;
    console.log(
      `${lang}: untilted ${plain.toFixed(0)} Hz, dark ${dark.toFixed(0)} Hz, bright ${bright.toFixed(0)} Hz`,
    );
    expect(dark).toBeLessThan(plain);
    expect(bright).toBeGreaterThan(plain);
    expect(bright / dark).toBeGreaterThan(1.15);
  });

  it('renders a tilted voice identically every time', async () => {
    const req = { text: TEXT.en, lang: 'en' as const, profile: { ...FEMALE, brightness: DARK } };
    const a = await engine.speak(req);
    const b = await engine.speak(req);
    expect(Buffer.from(b.samples.buffer).equals(Buffer.from(a.samples.buffer))).toBe(true);
    expect(b.words).toEqual(a.words);
  });
});
