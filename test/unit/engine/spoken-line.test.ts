import { describe, expect, it } from 'vitest';
import { locateWords, spokenLine, writtenWords } from '../../../src/engine/work/spoken-line.js';

/** Engine words for a spoken sentence: one per space-separated word, 0.1 s each. */
function engineWords(spoken: string) {
  return spoken.split(' ').map((text, i) => ({ text, start: i / 10, end: (i + 1) / 10 }));
}

describe('word timings back onto the written text', () => {
  it('a rewritten token spans the spoken words it produced', () => {
    const text = '회의는 3시 30분입니다.';
    const line = spokenLine('ko', text);
    expect(line.spoken).toBe('회의는 세 시 삼십 분입니다.');
    const words = writtenWords(text, line, locateWords(line.spoken, 0, engineWords(line.spoken)));
    expect(words).toEqual([
      { text: '회의는', start: 0, end: 0.1 },
      { text: '3시', start: 0.1, end: 0.3 },
      { text: '30분입니다.', start: 0.3, end: 0.5 },
    ]);
  });

  it('keeps engine words that were spoken as written, and lexicon aliases map like rules', () => {
    const text = 'VoiceReel은 AI와 함께';
    const line = spokenLine('ko', text, [{ grapheme: 'VoiceReel', alias: '보이스 릴' }]);
    expect(line.spoken).toBe('보이스 릴은 에이아이와 함께');
    const words = writtenWords(text, line, locateWords(line.spoken, 0, engineWords(line.spoken)));
    expect(words.map((w) => [w.text, w.start, w.end])).toEqual([
      ['VoiceReel은', 0, 0.2],
      ['AI와', 0.2, 0.3],
      ['함께', 0.3, 0.4],
    ]);
  });

  it('places words of later sentences by their offset in the line', () => {
    const text = 'I have 2 cats. See you at 5 pm.';
    const line = spokenLine('en', text);
    const second = line.spoken.slice(line.spoken.indexOf('See'));
    const located = locateWords(second, line.spoken.indexOf('See'), engineWords(second));
    expect(writtenWords(text, line, located).map((w) => w.text)).toEqual(['See', 'you', 'at', '5 pm.']);
  });
});
