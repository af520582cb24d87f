import { describe, expect, it } from 'vitest';
import { buildEspeakInput, splitWords } from '../../../src/engine/espeak/text.js';
import { wordTimings } from '../../../src/engine/espeak/timing.js';

const SR = 1000; // one sample per millisecond keeps the numbers readable

describe('word timings from eSpeak events', () => {
  const units = splitWords('one two three four');
  const input = buildEspeakInput(units);
  const at = (word: string): number => input.text.indexOf(word);

  it('uses event samples, ends words at the next start or at a pause', () => {
    const events = ['one', 'two', 'three', 'four'].map((w, i) => ({
      charIndex: at(w),
      charLength: w.length,
      sample: [0, 300, 900, 1200][i] ?? 0,
    }));
    const sound = [
      { start: 0.02, end: 0.7 },
      { start: 0.9, end: 1.6 },
    ];
    const words = wordTimings(units, input, events, sound, SR, 1.8);
    expect(words).toEqual([
      { text: 'one', start: 0, end: 0.3 },
      { text: 'two', start: 0.3, end: 0.7 }, // pause after "two": ends with its sound
      { text: 'three', start: 0.9, end: 1.2 },
      { text: 'four', start: 1.2, end: 1.6 }, // last word: end of sound
    ]);
  });

  it('shares a fused event among the words it covers, by letter count', () => {
    // eSpeak's Korean voice often reports no event for a word it joins to its neighbour.
    const events = [
      { charIndex: at('one'), charLength: 3, sample: 0 },
      { charIndex: at('four'), charLength: 4, sample: 1100 },
    ];
    const words = wordTimings(units, input, events, [{ start: 0, end: 1.5 }], SR, 1.5);
    expect(words.map((w) => w.start)).toEqual([0, 0.3, 0.6, 1.1]);
    expect(words.map((w) => w.end)).toEqual([0.3, 0.6, 1.1, 1.5]);
  });

  it('ignores events that go backwards and keeps starts monotonic', () => {
    const events = [
      { charIndex: at('two'), charLength: 3, sample: 200 },
      { charIndex: at('one'), charLength: 3, sample: 250 },
      { charIndex: at('three'), charLength: 5, sample: 100 },
      { charIndex: at('four'), charLength: 4, sample: 800 },
    ];
    const words = wordTimings(units, input, events, [{ start: 0.3, end: 1 }], SR, 1);
    for (let i = 1; i < words.length; i++)
      expect(words[i]!.start).toBeGreaterThanOrEqual(words[i - 1]!.start);
    for (const w of words) expect(w.end).toBeGreaterThanOrEqual(w.start);
    expect(words[0]!.start).toBeLessThanOrEqual(0.2);
  });
});
