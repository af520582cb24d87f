import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeVoice } from '../../../src/audio/profile.js';
import type { TimeRegion, VoiceProfile } from '../../../src/audio/types.js';
import { nonSilentRegions } from '../../../src/audio/vad.js';
import { createEspeakEngine, type EspeakEngine } from '../../../src/engine/espeak/engine.js';
import type { Language, RenderedSpeech } from '../../../src/engine/types.js';
import { enginePaths } from './assets.js';

const MALE_SLOW: VoiceProfile = {
  medianF0: 110,
  f0RangeSemitones: 5,
  syllableRate: 3.5,
  brightness: 1500,
  gender: 'male',
};
const FEMALE_FAST: VoiceProfile = {
  medianF0: 230,
  f0RangeSemitones: 6,
  syllableRate: 5.5,
  brightness: 2200,
  gender: 'female',
};

const duration = (r: RenderedSpeech): number => r.samples.length / r.sampleRate;
const peak = (r: RenderedSpeech): number => r.samples.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const sound = (r: RenderedSpeech): TimeRegion[] =>
  nonSilentRegions({ samples: r.samples, sampleRate: r.sampleRate });

function expectUsableTimings(r: RenderedSpeech, expectedWords: string[]): void {
  expect(r.words.map((w) => w.text)).toEqual(expectedWords);
  const regions = sound(r);
  let previous = 0;
  for (const w of r.words) {
    expect(w.start).toBeGreaterThanOrEqual(previous);
    expect(w.end).toBeGreaterThanOrEqual(w.start);
    expect(w.end).toBeLessThanOrEqual(duration(r) + 1e-9);
    // Each word starts where there is sound, or just before it (a word event precedes its onset).
    const gap = Math.min(
      ...regions.map((g) => (w.start < g.start ? g.start - w.start : Math.max(0, w.start - g.end))),
    );
    expect(gap).toBeLessThan(0.15);
    previous = w.start;
  }
}

describe('eSpeak engine', () => {
  let engine: EspeakEngine;
  let startMs = 0;
  beforeAll(async () => {
    const t = performance.now();
    engine = await createEspeakEngine(enginePaths());
    startMs = performance.now() - t;
    console.log(`engine start: ${startMs.toFixed(0)} ms`);
  });

  // Start-up time and speed are benchmark figures (npm run bench), not test assertions.
  it('starts and reports its languages', () => {
    expect(engine.languages).toEqual(['ko', 'en', 'ja']);
  });

  it('speaks English with one timing per word of the original text', async () => {
    const r = await engine.speak({ text: 'Hello there, how are you today?', lang: 'en', profile: null });
    expect(r.sampleRate).toBe(22050);
    expect(duration(r)).toBeGreaterThan(1);
    expect(duration(r)).toBeLessThan(4);
    expect(peak(r)).toBeGreaterThan(0.1);
    expectUsableTimings(r, ['Hello', 'there,', 'how', 'are', 'you', 'today?']);
  });

  it('speaks Korean, timing words eSpeak fuses with a neighbour too', async () => {
    const text = '안녕하세요. 오늘 날씨가 정말 좋네요!';
    const r = await engine.speak({ text, lang: 'ko', profile: null });
    expect(duration(r)).toBeGreaterThan(1.5);
    expect(duration(r)).toBeLessThan(6);
    expect(peak(r)).toBeGreaterThan(0.1);
    expectUsableTimings(r, text.split(' '));
  });

  it('speaks Japanese with kanji, captioned with the original words', async () => {
    const text = '今日は良い天気ですね。東京に行きます。';
    const r = await engine.speak({ text, lang: 'ja', profile: null });
    expect(peak(r)).toBeGreaterThan(0.1);
    expectUsableTimings(r, ['今日は', '良い', '天気ですね。', '東京に', '行きます。']);
    // The kanji were read, not skipped or spelled out: about as long as the same words in kana,
    // and far longer than symbols with no reading.
    const kana = await engine.speak({
      text: 'きょうは よい てんきですね。 とうきょうに いきます。',
      lang: 'ja',
      profile: null,
    });
    expect(duration(r) / duration(kana)).toBeGreaterThan(0.75);
    expect(duration(r) / duration(kana)).toBeLessThan(1.33);
    const garbage = await engine.speak({ text: '・・・〜〜 ※※', lang: 'ja', profile: null });
    expect(duration(r)).toBeGreaterThan(duration(garbage) + 1);
  });

  it('escapes SSML metacharacters and keeps odd tokens on their words', async () => {
    const text = 'Tom & Jerry <3 - 😀 ok';
    const r = await engine.speak({ text, lang: 'en', profile: null });
    expectUsableTimings(r, ['Tom &', 'Jerry', '<3 -', '😀', 'ok']);
    expect(await engine.speak({ text: ' … ', lang: 'en', profile: null })).toMatchObject({ words: [] });
  });

  it('makes two profiles sound different: pitch near each target, tempo in the right direction', async () => {
    const text =
      'Welcome back to the show, everyone. Today we talk about old trains and the people who ran them. ' +
      'Did you ever ride one? I did, when I was young.';
    const male = await engine.speak({ text, lang: 'en', profile: MALE_SLOW });
    const female = await engine.speak({ text, lang: 'en', profile: FEMALE_FAST });
    const m = analyzeVoice({ samples: male.samples, sampleRate: male.sampleRate });
    const f = analyzeVoice({ samples: female.samples, sampleRate: female.sampleRate });
    console.log(
      `male: f0 ${m.medianF0.toFixed(0)} Hz, ${duration(male).toFixed(2)} s; ` +
        `female: f0 ${f.medianF0.toFixed(0)} Hz, ${duration(female).toFixed(2)} s`,
    );
    expect(f.medianF0 - m.medianF0).toBeGreaterThan(60);
    expect(Math.abs(m.medianF0 / MALE_SLOW.medianF0 - 1)).toBeLessThan(0.2);
    expect(Math.abs(f.medianF0 / FEMALE_FAST.medianF0 - 1)).toBeLessThan(0.2);
    expect(duration(female)).toBeLessThan(duration(male) * 0.8);
  });

  it.each<[Language, string]>([
    ['ko', '여러분, 다시 오신 것을 환영합니다. 오늘은 오래된 기차 이야기를 합니다.'],
    ['ja', '皆さん、おかえりなさい。今日は古い電車の話をします。'],
  ])('keeps profiles apart in %s too', async (lang, text) => {
    const male = await engine.speak({ text, lang, profile: MALE_SLOW });
    const female = await engine.speak({ text, lang, profile: FEMALE_FAST });
    const m = analyzeVoice({ samples: male.samples, sampleRate: male.sampleRate }).medianF0;
    const f = analyzeVoice({ samples: female.samples, sampleRate: female.sampleRate }).medianF0;
    expect(f - m).toBeGreaterThan(60);
    expect(Math.abs(m / MALE_SLOW.medianF0 - 1)).toBeLessThan(0.2);
    expect(Math.abs(f / FEMALE_FAST.medianF0 - 1)).toBeLessThan(0.2);
    expect(duration(female)).toBeLessThan(duration(male));
  });

  it('is deterministic and fast', async () => {
    const req = {
      text: 'The quick brown fox jumps over the lazy dog. '.repeat(6),
      lang: 'en' as const,
      profile: FEMALE_FAST,
    };
    const a = await engine.speak(req);
    const t = performance.now();
    const b = await engine.speak(req);
    const rtf = (performance.now() - t) / 1000 / duration(b);
    console.log(`real-time factor: ${rtf.toFixed(4)} (${duration(b).toFixed(1)} s of audio)`);
    expect(Buffer.from(b.samples.buffer).equals(Buffer.from(a.samples.buffer))).toBe(true);
    expect(b.words).toEqual(a.words);
  });
});
