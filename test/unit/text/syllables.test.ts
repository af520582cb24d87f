import { describe, expect, it } from 'vitest';
import type { Language } from '../../../src/engine/types.js';
import { numberSyllables } from '../../../src/text/numbers.js';
import {
  checkTranscriptPlausibility,
  englishWordSyllables,
  estimateSyllables,
  speakingRateBounds,
} from '../../../src/text/syllables.js';

const LIBRIVOX = // from LibriVox's "Sense and Sensibility", chapter 1
  'and mister john dashwood had then leisure to consider how much there might be prudently in his power to do for them';

describe('estimateSyllables: English', () => {
  it.each<[string, number]>([
    ['The quick brown fox jumps over the lazy dog', 11],
    [LIBRIVOX, 30],
    ['Hello, world!', 3],
    ["I don't know what you're talking about.", 9],
    ['', 0],
    ['!!! ... ???', 0],
  ])('%j -> %i', (text, expected) => {
    expect(estimateSyllables(text, 'en')).toBe(expected);
  });

  it.each<[string, number]>([
    ['cat', 1],
    ['the', 1],
    ['make', 1],
    ['there', 1],
    ['table', 2],
    ['little', 2],
    ['jumped', 1],
    ['wanted', 2],
    ['needed', 2],
    ['makes', 1],
    ['boxes', 2],
    ['places', 2],
    ['lonely', 2],
    ['statement', 2],
    ['beautiful', 3],
    ['consider', 3],
    ['leisure', 2],
    ['prudently', 3],
    ['yellow', 2],
    ['hmm', 1],
  ])('word %s -> %i', (word, expected) => {
    expect(englishWordSyllables(word)).toBe(expected);
  });

  it.each<[string, number]>([
    ['0', 2], // zero
    ['7', 2], // seven
    ['11', 3], // eleven
    ['42', 3], // forty-two
    ['100', 3], // one hundred
    ['1984', 5], // nineteen eighty-four
    ['1900', 4], // nineteen hundred
    ['1905', 4], // nineteen oh five
    ['2000', 3], // two thousand
    ['2024', 5], // twenty twenty-four
    ['1,000,000', 3], // one million
    ['3.14', 4], // three point one four
    ['007', 4], // oh oh seven
  ])('number %s -> %i', (digits, expected) => {
    expect(numberSyllables(digits, 'en')).toBe(expected);
  });

  it('counts numbers inside text', () => {
    expect(estimateSyllables('It was 1984.', 'en')).toBe(2 + 5);
  });
});

describe('estimateSyllables: Korean', () => {
  it.each<[string, number]>([
    ['안녕하세요', 5],
    ['안녕하세요. 반갑습니다!', 10],
    ['\u1112\u1161\u11ab\u1100\u1173\u11af', 2], // 한글 as conjoining jamo
    ['ㅋㅋㅋ', 3],
    ['2024년', 6], // 이천이십사 년
    ['10개', 2], // 십 개
    ['漢字', 2], // hanja: one syllable each
  ])('%j -> %i', (text, expected) => {
    expect(estimateSyllables(text, 'ko')).toBe(expected);
  });

  it('reads Latin words as loanwords with extra vowels', () => {
    expect(estimateSyllables('test', 'ko')).toBe(2); // 테스트 is 3; 1 × 1.5 rounds to 2
    expect(estimateSyllables('컴퓨터 computer', 'ko')).toBe(3 + 5);
  });
});

describe('estimateSyllables: Japanese (morae)', () => {
  it.each<[string, number]>([
    ['ありがとうございます', 10],
    ['きょう', 2], // きょ・う
    ['きって', 3], // き・っ・て
    ['コーヒー', 4], // コ・ー・ヒ・ー
    ['ほん', 2], // ほ・ん
    ['ファイル', 3], // ファ・イ・ル
    ['ｺｰﾋｰ', 4], // half-width katakana
    ['か\u3099', 1], // が with a combining dakuten
    ['はい、そうです。', 6],
    ['日本語', 5], // 3 kanji × 1.8 (the reading にほんご has 4)
    ['二〇二〇', 7], // 4 kanji numerals × 1.8; にせんにじゅう is 7
  ])('%j -> %i', (text, expected) => {
    expect(estimateSyllables(text, 'ja')).toBe(expected);
  });

  it('counts a kana reading instead of estimating kanji', () => {
    expect(estimateSyllables('日本語', 'ja', 'にほんご')).toBe(4);
    expect(estimateSyllables('東京都', 'ja', 'トウキョウト')).toBe(5); // ト・ウ・キョ・ウ・ト
    expect(estimateSyllables('日本語', 'ja', '   ')).toBe(5); // a blank reading is ignored
  });

  it('reads digits with Sino-Japanese numerals', () => {
    expect(numberSyllables('2024', 'ja')).toBe(8); // に・せん / に・じゅう / よん
    expect(numberSyllables('10', 'ja')).toBe(2); // じゅう
    expect(numberSyllables('10000', 'ja')).toBe(4); // いち・まん
  });
});

describe('speakingRateBounds', () => {
  it('gives generous, ordered bounds per language', () => {
    expect(speakingRateBounds('en')).toEqual({ min: 1.5, max: 8 });
    expect(speakingRateBounds('ko')).toEqual({ min: 2, max: 11 });
    expect(speakingRateBounds('ja')).toEqual({ min: 3, max: 13 });
  });

  it('returns a copy callers cannot use to change the bounds', () => {
    speakingRateBounds('en').max = 1000;
    expect(speakingRateBounds('en').max).toBe(8);
  });
});

describe('checkTranscriptPlausibility', () => {
  it('accepts the LibriVox sentence for ~6.5 s of speech', () => {
    const result = checkTranscriptPlausibility(LIBRIVOX, 'en', 6.5);
    expect(result.ok).toBe(true);
    expect(result.rate).toBeCloseTo(30 / 6.5, 5);
  });

  it('rejects the same sentence for 60 s of speech, saying why', () => {
    const result = checkTranscriptPlausibility(LIBRIVOX, 'en', 60);
    expect(result).toEqual({
      ok: false,
      rate: 0.5,
      reason: 'the transcript has 30 syllables for 60.0 s of speech; expected 90–480',
    });
  });

  it('rejects a two-word transcript for 30 s', () => {
    const result = checkTranscriptPlausibility('hello there', 'en', 30);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.reason).toBe('the transcript has 3 syllables for 30.0 s of speech; expected 45–240');
  });

  it('rejects a transcript far too long for its recording', () => {
    const result = checkTranscriptPlausibility(LIBRIVOX, 'en', 2);
    expect(result).toMatchObject({ ok: false, rate: 15 });
  });

  it('uses morae for Japanese and the reading when given', () => {
    expect(checkTranscriptPlausibility('ありがとうございます', 'ja', 1.2)).toMatchObject({ ok: true });
    const slow = checkTranscriptPlausibility('ありがとうございます', 'ja', 10);
    expect(slow.ok).toBe(false);
    if (!slow.ok)
      expect(slow.reason).toBe('the transcript has 10 morae for 10.0 s of speech; expected 30–130');
    // 今日 read きょう is 2 morae, not the 3.6 estimated for two kanji.
    expect(checkTranscriptPlausibility('今日', 'ja', 0.5, 'きょう').rate).toBe(4);
  });

  it('accepts Korean at a normal rate and says "syllable" for one', () => {
    expect(checkTranscriptPlausibility('안녕하세요. 만나서 반갑습니다.', 'ko', 2)).toMatchObject({
      ok: true,
      rate: 6.5,
    });
    const one = checkTranscriptPlausibility('네', 'ko', 5);
    expect(one.ok).toBe(false);
    if (!one.ok) expect(one.reason).toBe('the transcript has 1 syllable for 5.0 s of speech; expected 10–55');
  });

  it.each<[string, Language, number]>([
    ['', 'en', 5],
    ['...', 'ko', 5],
    ['hello', 'en', 0],
    ['hello', 'en', Number.NaN],
    ['hello', 'en', -3],
  ])('rejects %j / %s / %s s without a NaN rate', (text, lang, seconds) => {
    const result = checkTranscriptPlausibility(text, lang, seconds);
    expect(result.ok).toBe(false);
    expect(result.rate).toBe(0);
    if (!result.ok) expect(result.reason).toMatch(/^the (recording|transcript) /);
  });
});
