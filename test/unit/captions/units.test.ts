import { describe, expect, it } from 'vitest';
import { toWebVtt } from '../../../src/captions/vtt.js';
import { buildCaptionUnits, type CaptionLine } from '../../../src/captions/units.js';
import type { CaptionUnit } from '../../../src/captions/types.js';
import type { WordTiming } from '../../../src/engine/types.js';
import { parseVtt } from '../../helpers/webvtt.js';

/** Word timings for space-separated text, as an engine would report them: one word every `step` s. */
function wordsFor(text: string, step: number, lead = 0): WordTiming[] {
  return text
    .split(/\s+/)
    .filter((w) => w !== '')
    .map((w, i) => ({
      text: w.replace(/[.,!?]/g, ''),
      start: lead + i * step,
      end: lead + i * step + step * 0.8,
    }));
}

function line(
  text: string,
  placementStart: number,
  words: WordTiming[],
  extra: Partial<CaptionLine> = {},
): CaptionLine {
  const last = words[words.length - 1];
  return {
    speakerId: 'spk_1',
    text,
    placement: { start: placementStart, end: placementStart + (last ? last.end : 1) },
    words,
    wordsOffset: placementStart,
    ...extra,
  };
}

const nonSpace = (s: string) => s.replace(/\s/g, '');

/** What must hold for the units of one split line. */
function expectWellSplit(units: CaptionUnit[], source: CaptionLine, maxChars = 120, maxSeconds = 10) {
  expect(nonSpace(units.map((u) => u.text).join(''))).toBe(nonSpace(source.text));
  expect(units[0]?.start).toBeCloseTo(source.placement.start, 3);
  expect(units[units.length - 1]?.end).toBeCloseTo(source.placement.end, 3);
  let prevEnd = -Infinity;
  for (const u of units) {
    expect(u.start).toBeGreaterThanOrEqual(prevEnd);
    expect(u.end).toBeGreaterThan(u.start);
    expect([...u.text].length).toBeLessThanOrEqual(maxChars);
    expect(u.end - u.start).toBeLessThanOrEqual(maxSeconds + 0.001);
    expect(u.text).toBe(u.text.trim());
    for (const w of u.words ?? []) {
      expect(w.start).toBeGreaterThanOrEqual(u.start);
      expect(w.end).toBeLessThanOrEqual(u.end);
      expect(w.end).toBeGreaterThanOrEqual(w.start);
    }
    prevEnd = u.end;
  }
  expect(units.reduce((n, u) => n + (u.words?.length ?? 0), 0)).toBe(source.words.length);
}

describe('buildCaptionUnits', () => {
  it('makes one unit per short line, timed by its placement and rounded to ms', () => {
    const units = buildCaptionUnits([
      {
        speakerId: 'spk_1',
        speakerName: 'Alice',
        text: '  Hello,\n  world!  ',
        placement: { start: 1.23456, end: 2.34567 },
        words: [
          { text: 'Hello', start: 0.05, end: 0.4 },
          { text: 'world', start: 0.5, end: 1.0 },
        ],
        wordsOffset: 1.2,
      },
      { speakerId: 'spk_2', text: '안녕하세요.', placement: { start: 3, end: 4 }, words: [], wordsOffset: 3 },
    ]);
    expect(units).toEqual([
      {
        start: 1.235,
        end: 2.346,
        speaker: 'spk_1',
        speaker_name: 'Alice',
        text: 'Hello, world!',
        words: [
          // 1.25 s is before the non-silent placement starts, so it is clamped into the unit.
          { text: 'Hello', start: 1.25, end: 1.6 },
          { text: 'world', start: 1.7, end: 2.2 },
        ],
      },
      { start: 3, end: 4, speaker: 'spk_2', text: '안녕하세요.' },
    ]);
  });

  it('clamps words into the unit and keeps each word end >= start', () => {
    const [u] = buildCaptionUnits([
      {
        speakerId: 's',
        text: 'early late',
        placement: { start: 10, end: 11 },
        words: [
          { text: 'early', start: -0.5, end: 0.2 },
          { text: 'late', start: 1.5, end: 2 },
        ],
        wordsOffset: 9.8,
      },
    ]);
    expect(u?.words).toEqual([
      { text: 'early', start: 10, end: 10 },
      { text: 'late', start: 11, end: 11 },
    ]);
  });

  it('gives a silent (zero-length) placement 1 ms', () => {
    const [u] = buildCaptionUnits([line('Hmm.', 5, [], { placement: { start: 5, end: 5 } })]);
    expect(u).toMatchObject({ start: 5, end: 5.001 });
  });

  it('splits a line over 120 characters at sentence boundaries, using the word timings', () => {
    const text =
      'This is the first sentence of a long line. It keeps going with a second sentence that is quite long too. ' +
      'And then a third one arrives, which pushes it well over the limit.';
    const source = line(text, 5, wordsFor(text, 0.3));
    const units = buildCaptionUnits([source]);
    expect(units.length).toBeGreaterThan(1);
    expectWellSplit(units, source);
    for (const u of units.slice(0, -1)) expect(u.text).toMatch(/[.!?]$/);
    // The second unit starts when its first word is spoken, not at an interpolated guess.
    const firstWord = units[1]?.words?.[0];
    expect(units[1]?.start).toBe(firstWord?.start);
    expect(units[0]?.speaker).toBe('spk_1');
  });

  it('splits a short but slow line longer than 10 s at word boundaries near the middle', () => {
    const text = 'Slowly, very slowly, the old man walked down the long and dusty road';
    const source = line(text, 0, wordsFor(text, 1.2));
    const units = buildCaptionUnits([source]);
    expect(units.length).toBeGreaterThan(1);
    expectWellSplit(units, source);
    for (const u of units) expect(text.includes(u.text)).toBe(true);
  });

  it('never cuts inside a number with a thousands separator or a clock time', () => {
    const text = 'The total was 1,000,000 at 10:30 and everyone stayed until the very end of it all';
    const source = line(text, 0, wordsFor(text, 1));
    const units = buildCaptionUnits([source], { maxSeconds: 3 });
    expectWellSplit(units, source, 120, 3);
    for (const u of units) expect(u.text).not.toMatch(/^(?:000|30)\b|\b1,$|\b10:$/);
  });

  it('honours custom limits', () => {
    const text = 'One two three. Four five six. Seven eight nine.';
    const source = line(text, 0, wordsFor(text, 0.25));
    const units = buildCaptionUnits([source], { maxChars: 20 });
    expect(units.map((u) => u.text)).toEqual(['One two three.', 'Four five six.', 'Seven eight nine.']);
    expectWellSplit(units, source, 20);
  });

  it('still splits when engine words do not match the text (numbers read out, no words at all)', () => {
    const text =
      `In 1984 there were 3 of them. ${'Then more words followed for quite some time. '.repeat(4)}`.trim();
    const spoken = text.replace('1984', 'nineteen eighty four').replace(' 3 ', ' three ');
    const source = line(text, 2, wordsFor(spoken, 0.35));
    const units = buildCaptionUnits([source]);
    expectWellSplit(units, source);
    const bare = { ...source, words: [] };
    const bareUnits = buildCaptionUnits([bare]);
    expectWellSplit(bareUnits, bare);
    expect(bareUnits.every((u) => u.words === undefined)).toBe(true);
  });

  it('splits long unspaced Japanese whose engine words are kana readings', () => {
    const sentence = '今日は東京で新しい技術についての会議が開かれ、多くの研究者が参加しました';
    const text = `${sentence}。${sentence}。${sentence}。`;
    const words = Array.from({ length: 60 }, (_, i) => ({
      text: 'かいぎ',
      start: i * 0.5,
      end: i * 0.5 + 0.4,
    }));
    const source = line(text, 1, words, { lang: 'ja' });
    const units = buildCaptionUnits([source]);
    expect(units.length).toBeGreaterThanOrEqual(3);
    expectWellSplit(units, source);
  });

  it('keeps a line whole when its placement is too short to split', () => {
    const text = 'word '.repeat(50).trim();
    const units = buildCaptionUnits([line(text, 0, [], { placement: { start: 0, end: 0.001 } })]);
    expect(units).toHaveLength(1);
    expect(units[0]?.text).toBe(text);
  });

  it('keeps script order across lines and produces valid WebVTT', () => {
    const a =
      'First speaker says something fairly long so that the line has to be split into two cues. Yes it does indeed.';
    const b = '두 번째 화자가 말합니다. 반갑습니다!';
    const units = buildCaptionUnits([
      line(a, 0.5, wordsFor(a, 0.4), { speakerName: 'Ann' }),
      line(b, 9.7, wordsFor(b, 0.4), { speakerId: 'spk_2', speakerName: 'Bo' }),
    ]);
    expect(units.map((u) => u.speaker)).toEqual([...units.slice(0, -1).map(() => 'spk_1'), 'spk_2']);
    const { cues, errors } = parseVtt(toWebVtt(units));
    expect(errors).toEqual([]);
    expect(cues).toHaveLength(units.length);
  });

  it('random lines always satisfy the split invariants', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const vocabulary = [
      'alpha',
      'beta,',
      'gamma.',
      'delta!',
      '안녕',
      '하세요.',
      '東京',
      'です。',
      '😀',
      '3.14',
      '"quote"',
    ];
    for (let i = 0; i < 200; i++) {
      const count = 1 + Math.floor(random() * 80);
      const text = Array.from(
        { length: count },
        () => vocabulary[Math.floor(random() * vocabulary.length)],
      ).join(' ');
      const step = 0.05 + random() * 0.6;
      const words = random() < 0.2 ? [] : wordsFor(text, step, random() * 0.3);
      const start = random() * 100;
      const source: CaptionLine = {
        speakerId: 's',
        text,
        placement: { start, end: start + count * step + 0.2 },
        words,
        wordsOffset: start,
      };
      const units = buildCaptionUnits([source]);
      expect(nonSpace(units.map((u) => u.text).join(''))).toBe(nonSpace(text));
      let prevEnd = -Infinity;
      for (const u of units) {
        expect(u.start).toBeGreaterThanOrEqual(prevEnd);
        expect(u.end).toBeGreaterThan(u.start);
        expect([...u.text].length).toBeLessThanOrEqual(120);
        for (const w of u.words ?? []) expect(w.start >= u.start && w.end <= u.end).toBe(true);
        prevEnd = u.end;
      }
      expect(units.reduce((n, u) => n + (u.words?.length ?? 0), 0)).toBe(words.length);
    }
  });
});
