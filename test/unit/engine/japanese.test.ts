import { beforeAll, describe, expect, it } from 'vitest';
import {
  createJapaneseReader,
  createKanaConverter,
  type JapaneseReader,
} from '../../../src/engine/japanese.js';
import { enginePaths } from './assets.js';

const KANJI = /\p{Script=Han}/u;

describe('Japanese kana reading', () => {
  let toKana: (text: string) => string;
  let reader: JapaneseReader;
  beforeAll(async () => {
    toKana = await createKanaConverter(enginePaths().kuromojiDict);
    reader = await createJapaneseReader(enginePaths().kuromojiDict);
  });

  it('reads kanji as hiragana, using pronunciation so particles and long vowels come out right', () => {
    // The reading field would give きょうは…; eSpeak's ja voice says は as "ha" and きょう as
    // "kyo-u", so the pronunciation field (わ, ー) is used instead.
    expect(toKana('今日は良い天気ですね')).toBe('きょーわよいてんきですね');
    expect(toKana('東京に行きます')).toBe('とーきょーにいきます');
  });

  it('leaves no kanji in a common sentence and keeps punctuation and unknown words', () => {
    const kana = toKana('私は毎朝、駅前の喫茶店でコーヒーを飲みます。VoiceReel 123！');
    expect(kana).not.toMatch(KANJI);
    expect(kana).toContain('、');
    expect(kana).toContain('。');
    expect(kana).toContain('VoiceReel');
    expect(kana).toContain('123');
  });

  it('groups tokens into caption words that keep the original surface', () => {
    const words = reader.words('「こんにちは」と彼は言った。');
    expect(words.map((w) => w.surface)).toEqual(['「こんにちは」と', '彼は', '言った。']);
    expect(words.map((w) => w.surface).join('')).toBe('「こんにちは」と彼は言った。');
    expect(words[1]!.kana).toBe('かれわ');
  });

  it('fails with the dictionary path in the message', async () => {
    await expect(createJapaneseReader('/nonexistent/dict')).rejects.toThrow(/\/nonexistent\/dict/);
  });
});
