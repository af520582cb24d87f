import { describe, expect, it } from 'vitest';
import type { Language } from '../../../src/engine/types.js';
import { normalizeText, splitSentences } from '../../../src/text/split.js';

describe('splitSentences: English', () => {
  it.each<[string, string[]]>([
    ['Hello world. How are you? I am fine!', ['Hello world.', 'How are you?', 'I am fine!']],
    ['Mr. Smith met Dr. Jones at 3.14 p.m. today.', ['Mr. Smith met Dr. Jones at 3.14 p.m. today.']],
    ['The U.S. economy grew. Then it shrank.', ['The U.S. economy grew.', 'Then it shrank.']],
    [
      'Bring fruit, e.g. apples, i.e. the red ones. Thanks.',
      ['Bring fruit, e.g. apples, i.e. the red ones.', 'Thanks.'],
    ],
    ['Pi is about 3.14159. It is irrational.', ['Pi is about 3.14159.', 'It is irrational.']],
    ['Well... I guess so. Wait... What?', ['Well... I guess so.', 'Wait...', 'What?']],
    ['I was thinking… maybe not.', ['I was thinking… maybe not.']],
    ['He said "Stop." Then he left.', ['He said "Stop."', 'Then he left.']],
    ['Really?! Yes!!', ['Really?!', 'Yes!!']],
    [
      'See Fig. 3 and No. 5 for details. Also vs. the others.',
      ['See Fig. 3 and No. 5 for details.', 'Also vs. the others.'],
    ],
    [
      'We bought apples, pears, etc. Then we went home.',
      ['We bought apples, pears, etc.', 'Then we went home.'],
    ],
    ['J. R. R. Tolkien wrote books.', ['J. R. R. Tolkien wrote books.']],
    ['Visit example.com today. It is 10:30.', ['Visit example.com today.', 'It is 10:30.']],
    ['1. Preheat the oven. 2. Bake.', ['1. Preheat the oven.', '2. Bake.']],
    [
      'First paragraph without a stop\n\nSecond paragraph',
      ['First paragraph without a stop', 'Second paragraph'],
    ],
    ['A line\nwrapped in the middle. End.', ['A line\nwrapped in the middle.', 'End.']],
    ['  No terminator at all  ', ['No terminator at all']],
    ['', []],
    ['   \n\t ', []],
    ['...', ['...']],
  ])('%j', (text, expected) => {
    expect(splitSentences(text, 'en')).toEqual(expected);
  });
});

describe('splitSentences: Korean', () => {
  it.each<[string, string[]]>([
    ['안녕하세요. 저는 학생입니다.', ['안녕하세요.', '저는 학생입니다.']],
    ['정말요? 네, 그렇습니다! 감사합니다.', ['정말요?', '네, 그렇습니다!', '감사합니다.']],
    ['오늘은 날씨가 좋네요.내일은 비가 온대요.', ['오늘은 날씨가 좋네요.', '내일은 비가 온대요.']],
    ['원주율은 3.14입니다. 맞아요。', ['원주율은 3.14입니다.', '맞아요。']],
    ['그래서... 나는 갔다.', ['그래서... 나는 갔다.']],
    ['"안녕?" 그가 물었다.', ['"안녕?"', '그가 물었다.']],
  ])('%j', (text, expected) => {
    expect(splitSentences(text, 'ko')).toEqual(expected);
  });
});

describe('splitSentences: Japanese', () => {
  it.each<[string, string[]]>([
    ['今日は晴れです。明日は雨でしょう。', ['今日は晴れです。', '明日は雨でしょう。']],
    ['本当ですか？はい！そうです。', ['本当ですか？', 'はい！', 'そうです。']],
    ['すごい!次はどこ?行こう。', ['すごい!', '次はどこ?', '行こう。']],
    ['「そうですか。」と彼は言った。', ['「そうですか。」', 'と彼は言った。']],
    ['ええと…そうですね。', ['ええと…そうですね。']],
    ['値段は３．５ドルです。終わり．次', ['値段は３．５ドルです。', '終わり．', '次']],
    ['まだ終わらない', ['まだ終わらない']],
  ])('%j', (text, expected) => {
    expect(splitSentences(text, 'ja')).toEqual(expected);
  });
});

describe('splitSentences: long sentences', () => {
  const cpLength = (s: string) => [...s].length;

  it('splits at clause punctuation first', () => {
    const text = 'The first clause is here, the second clause follows; and a third one ends it.';
    expect(splitSentences(text, 'en', 40)).toEqual([
      'The first clause is here,',
      'the second clause follows;',
      'and a third one ends it.',
    ]);
  });

  it('splits Japanese at 、 and Korean at commas', () => {
    expect(splitSentences('今日は東京で会議があり、多くの人が参加し、議論が続きました。', 'ja', 12)).toEqual([
      '今日は東京で会議があり、',
      '多くの人が参加し、',
      '議論が続きました。',
    ]);
    expect(splitSentences('오늘은 날씨가 좋아서, 공원에 갔습니다.', 'ko', 12)).toEqual([
      '오늘은 날씨가 좋아서,',
      '공원에 갔습니다.',
    ]);
  });

  it('does not treat thousands separators or clock times as clauses', () => {
    const pieces = splitSentences(
      'It cost 1,000,000 dollars at 10:30 in the morning on a sunny day',
      'en',
      30,
    );
    expect(pieces.join(' ')).toContain('1,000,000');
    expect(pieces.join(' ')).toContain('10:30');
    for (const p of pieces) expect(cpLength(p)).toBeLessThanOrEqual(30);
  });

  it('falls back to spaces, then to characters, without breaking surrogate pairs or emoji sequences', () => {
    expect(splitSentences('aaaa bbbb cccc dddd', 'en', 9)).toEqual(['aaaa bbbb', 'cccc dddd']);
    const emoji = '😀'.repeat(25);
    const pieces = splitSentences(emoji, 'en', 10);
    expect(pieces).toEqual(['😀'.repeat(10), '😀'.repeat(10), '😀'.repeat(5)]);
    const family = '👨‍👩‍👧'; // 5 code points joined by ZWJ
    const families = splitSentences(family.repeat(6), 'en', 12);
    for (const p of families) expect(p.replaceAll(family, '')).toBe('');
    expect(families.join('')).toBe(family.repeat(6));
  });

  it('cuts inside a single cluster only when that cluster alone exceeds maxChars', () => {
    const zalgo = `a${'\u0301'.repeat(20)}`;
    const pieces = splitSentences(zalgo, 'en', 8);
    expect(pieces.join('')).toBe(zalgo);
    for (const p of pieces) expect(cpLength(p)).toBeLessThanOrEqual(8);
  });

  it('treats a non-numeric or tiny maxChars sensibly', () => {
    expect(splitSentences('abc', 'en', Number.NaN)).toEqual(['abc']);
    expect(splitSentences('abc', 'en', 0)).toEqual(['a', 'b', 'c']);
    expect(splitSentences('abc def', 'en', Number.POSITIVE_INFINITY)).toEqual(['abc def']);
  });
});

describe('splitSentences: properties over random text', () => {
  // A deterministic generator so failures reproduce; pieces are chosen to hit every rule.
  let seed = 20240611;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const atoms = [
    ...'abcXYZ019 .,;:!?…．。！？、，「」"\')(\n\t\u3000',
    'Mr.', 'U.S.', 'e.g.', '3.14', '...', ' -- ', '😀', '👍🏽', '👨‍👩‍👧', '🇰🇷', '가', '한국어', 'です', 'カタカナ', '漢字',
    'a\u0301', '\r\n',
  ]; // prettier-ignore
  const langs: Language[] = ['en', 'ko', 'ja'];
  const hasLoneSurrogate = (s: string) =>
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

  it('keeps every non-whitespace character in order, trims, bounds length, and never splits a pair', () => {
    for (let i = 0; i < 3000; i++) {
      const length = Math.floor(random() * 120);
      const text = Array.from({ length }, () => atoms[Math.floor(random() * atoms.length)]).join('');
      const lang = langs[i % 3] as Language;
      const maxChars = 1 + Math.floor(random() * 60);
      const pieces = splitSentences(text, lang, maxChars);
      const context = JSON.stringify({ text, lang, maxChars, pieces });
      expect(pieces.join('').replace(/\s/g, ''), context).toBe(text.replace(/\s/g, ''));
      let cursor = 0;
      for (const piece of pieces) {
        expect(piece, context).not.toBe('');
        expect(piece, context).toBe(piece.trim());
        expect([...piece].length, context).toBeLessThanOrEqual(maxChars);
        expect(hasLoneSurrogate(piece), context).toBe(false);
        // Pieces are the input's own substrings, in order.
        const at = text.indexOf(piece, cursor);
        expect(at, context).toBeGreaterThanOrEqual(cursor);
        expect(text.slice(cursor, at).trim(), context).toBe('');
        cursor = at + piece.length;
      }
    }
  });

  it('with the default limit, random sentences come back one per terminator', () => {
    for (let i = 0; i < 200; i++) {
      const count = 1 + Math.floor(random() * 6);
      const sentences = Array.from(
        { length: count },
        () => `Word${Math.floor(random() * 100)} and more words.`,
      );
      expect(splitSentences(sentences.join(' '), 'en')).toEqual(sentences);
    }
  });
});

describe('normalizeText', () => {
  it('composes to NFC', () => {
    const decomposed = '\u1112\u1161\u11ab\u1100\u1173\u11af'; // 한글 as conjoining jamo
    expect(normalizeText(decomposed)).toBe('한글');
    expect(normalizeText('か\u3099')).toBe('が');
    expect(normalizeText('e\u0301')).toBe('é');
  });

  it('collapses whitespace, turns newlines into spaces and trims', () => {
    expect(normalizeText('  a \n\n b\t\tc\r\nd\u2028e\u3000f  ')).toBe('a b c d e f');
  });

  it('strips other control characters without gluing words together', () => {
    expect(normalizeText('he\u0000llo\u0007 wo\u001brld\u007f\u0085x\u009f')).toBe('hello world x');
  });

  it('replaces lone surrogates and keeps emoji intact', () => {
    expect(normalizeText('a\uD800b\uDC00c')).toBe('a\uFFFDb\uFFFDc');
    expect(normalizeText('👨‍👩‍👧 🇰🇷 👍🏽')).toBe('👨‍👩‍👧 🇰🇷 👍🏽');
  });
});
