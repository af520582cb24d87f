import { describe, expect, it } from 'vitest';
import { buildEspeakInput, foldUnspeakable, splitWords, unitAt } from '../../../src/engine/espeak/text.js';

describe('eSpeak input building', () => {
  it('splits on whitespace and keeps punctuation on its word', () => {
    expect(splitWords('  Hello there,\nhow are you today? ').map((u) => u.source)).toEqual([
      'Hello',
      'there,',
      'how',
      'are',
      'you',
      'today?',
    ]);
  });

  it('folds words with nothing to say into a neighbour', () => {
    const units = foldUnspeakable(splitWords('— Wait - what ...'));
    expect(units.map((u) => u.source)).toEqual(['— Wait -', 'what ...']);
    expect(foldUnspeakable(splitWords('... !!'))).toEqual([]);
  });

  it('escapes SSML metacharacters and maps every code point back to its unit', () => {
    const input = buildEspeakInput(splitWords('a<b & 😀c'));
    expect(input.text).toBe('a&lt;b &amp; 😀c');
    // Code points, not UTF-16 units: the emoji is one position, as eSpeak counts it.
    expect(input.owner.length).toBe([...input.text].length);
    expect(unitAt(input, 0)).toBe(0);
    expect(unitAt(input, 5)).toBe(0); // 'b' after the 4-character escape
    expect(unitAt(input, 6)).toBe(1); // separator: the next unit
    expect(unitAt(input, [...'a&lt;b &amp; '].length)).toBe(2); // the emoji
    expect(unitAt(input, 1000)).toBe(-1);
  });
});
