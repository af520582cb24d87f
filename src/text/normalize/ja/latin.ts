import { latinRules } from '../latin.js';
import type { Rule } from '../types.js';

// Latin abbreviations in Japanese, in katakana as Japanese speakers say them: letter names
// (AI エーアイ, CEO シーイーオー), or a word for acronyms said as words (NASA ナサ).

const LETTERS: Record<string, string> = {
  A: 'エー',
  B: 'ビー',
  C: 'シー',
  D: 'ディー',
  E: 'イー',
  F: 'エフ',
  G: 'ジー',
  H: 'エイチ',
  I: 'アイ',
  J: 'ジェー',
  K: 'ケー',
  L: 'エル',
  M: 'エム',
  N: 'エヌ',
  O: 'オー',
  P: 'ピー',
  Q: 'キュー',
  R: 'アール',
  S: 'エス',
  T: 'ティー',
  U: 'ユー',
  V: 'ブイ',
  W: 'ダブリュー',
  X: 'エックス',
  Y: 'ワイ',
  Z: 'ゼット',
};

const WORDS: Record<string, string> = {
  JR: 'ジェイアール',
  NASA: 'ナサ',
  JAXA: 'ジャクサ',
  UNESCO: 'ユネスコ',
  UNICEF: 'ユニセフ',
  NATO: 'ナトー',
  FIFA: 'フィファ',
  OPEC: 'オペック',
  ASEAN: 'アセアン',
  COVID: 'コビッド',
  JPEG: 'ジェイペグ',
  LAN: 'ラン',
  RAM: 'ラム',
  IoT: 'アイオーティー',
  'Wi-Fi': 'ワイファイ',
  WiFi: 'ワイファイ',
  '2D': 'ツーディー',
  '3D': 'スリーディー',
  '4K': 'ヨンケー',
  '8K': 'ハチケー',
  '5G': 'ファイブジー',
  MP3: 'エムピースリー',
  A4: 'エーヨン',
};

const { words, caps } = latinRules('ja', { letters: LETTERS, words: WORDS, ampersand: 'アンド' });

export const jaLatinWordRule: Rule = words;
export const jaLatinCapsRule: Rule = caps;
