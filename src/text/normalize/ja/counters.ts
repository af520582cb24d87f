import { alternation } from '../rule.js';
import { geminate } from './numbers.js';

// Counters and the sound changes they cause at the end of a number. kuromoji reads 三本 as
// さんほん and 一分 as いちふん; these tables say いっぽん, さんぼん, ろっぽん, いっぷん, さんぷん.

type Sound =
  /** h-row counters (本 ほん): 1, 6, 8, 10, 100 double and turn p (いっぽん); after ん voiced. */
  | 'h'
  /** k-row counters (個 こ, 回 かい): 1, 6, 8, 10, 100 double (いっこ, ろっかい). */
  | 'k'
  /** s- and t-row counters (冊, 歳, 点): 1, 8, 10 double (いっさつ, はっさい, じゅってん). */
  | 'st'
  /** Loanword units on a voiceless sound (パーセント, キロ): only 10 doubles (じゅっパーセント). */
  | 'unit'
  | 'none';

export interface JaCounter {
  kana: string;
  sound: Sound;
  /** After ん (さん, せん, まん; not よん): h turns b (さんぼん) or p (さんぷん); k, s voice (さんがい). */
  afterN?: 'b' | 'p' | 'voiced';
  /** 分 is よんぷん; 本 is よんほん. */
  pAfterYon?: boolean;
  /** The number's last digit said another way: 4 よ (よじ, よにん), 7 しち, 9 く. */
  four?: string;
  seven?: string;
  nine?: string;
  /** Zero said as れい rather than ゼロ: 0時 れいじ, 0度 れいど. */
  zero?: string;
  /** Whole-number words: 1人 ひとり, 20歳 はたち. */
  exact?: Record<number, string>;
  /** Kanji numbers take it too (一本); false where a kanji word would be misread (一足先, 一通り). */
  kanji?: boolean;
}

const H_B: JaCounter = { kana: '', sound: 'h', afterN: 'b' };
const H_P: JaCounter = { kana: '', sound: 'h', afterN: 'p' };
const HOUR = { four: 'よ', seven: 'しち', nine: 'く', zero: 'れい' };
const PERSON = { four: 'よ', seven: 'しち' };

function c(kana: string, base: Partial<JaCounter> = {}, extra: Partial<JaCounter> = {}): JaCounter {
  return { sound: 'none', ...base, ...extra, kana };
}

export const JA_COUNTERS: Record<string, JaCounter> = {
  本: c('ほん', H_B),
  本目: c('ほんめ', H_B),
  匹: c('ひき', H_B),
  杯: c('はい', H_B),
  分: c('ふん', H_P, { pAfterYon: true }),
  分間: c('ふんかん', H_P, { pAfterYon: true }),
  歩: c('ほ', H_P),
  泊: c('はく', H_P),
  発: c('はつ', H_P),
  個: c('こ', { sound: 'k' }),
  回: c('かい', { sound: 'k' }),
  回目: c('かいめ', { sound: 'k' }),
  回戦: c('かいせん', { sound: 'k' }),
  階: c('かい', { sound: 'k', afterN: 'voiced' }),
  軒: c('けん', { sound: 'k', afterN: 'voiced' }),
  件: c('けん', { sound: 'k' }),
  曲: c('きょく', { sound: 'k' }),
  缶: c('かん', { sound: 'k' }),
  巻: c('かん', { sound: 'k' }),
  ヶ月: c('かげつ', { sound: 'k' }),
  か月: c('かげつ', { sound: 'k' }),
  カ月: c('かげつ', { sound: 'k' }),
  ケ月: c('かげつ', { sound: 'k' }),
  ヵ月: c('かげつ', { sound: 'k' }),
  箇月: c('かげつ', { sound: 'k' }),
  ヶ所: c('かしょ', { sound: 'k' }),
  か所: c('かしょ', { sound: 'k' }),
  カ所: c('かしょ', { sound: 'k' }),
  箇所: c('かしょ', { sound: 'k' }),
  ヶ国: c('かこく', { sound: 'k' }),
  か国: c('かこく', { sound: 'k' }),
  カ国: c('かこく', { sound: 'k' }),
  冊: c('さつ', { sound: 'st' }),
  歳: c('さい', { sound: 'st', exact: { 20: 'はたち' } }),
  才: c('さい', { sound: 'st', exact: { 20: 'はたち' } }),
  週: c('しゅう', { sound: 'st' }),
  週間: c('しゅうかん', { sound: 'st' }),
  足: c('そく', { sound: 'st', afterN: 'voiced', kanji: false }),
  社: c('しゃ', { sound: 'st' }),
  章: c('しょう', { sound: 'st' }),
  勝: c('しょう', { sound: 'st' }),
  頭: c('とう', { sound: 'st' }),
  点: c('てん', { sound: 'st', zero: 'れい' }),
  着: c('ちゃく', { sound: 'st' }),
  丁目: c('ちょうめ', { sound: 'st' }),
  枚: c('まい'),
  台: c('だい'),
  人: c('にん', PERSON, { exact: { 1: 'ひとり', 2: 'ふたり' } }),
  人目: c('にんめ', PERSON, { exact: { 1: 'ひとりめ', 2: 'ふたりめ' } }),
  年: c('ねん', { four: 'よ' }),
  年間: c('ねんかん', { four: 'よ' }),
  年生: c('ねんせい', { four: 'よ' }),
  年目: c('ねんめ', { four: 'よ' }),
  年代: c('ねんだい', { four: 'よ' }),
  月: c('がつ', { four: 'し', seven: 'しち', nine: 'く' }),
  時: c('じ', HOUR),
  時間: c('じかん', { four: 'よ', nine: 'く' }),
  秒: c('びょう'),
  秒間: c('びょうかん'),
  円: c('えん', { four: 'よ' }),
  度: c('ど', { zero: 'れい' }),
  度目: c('どめ'),
  番: c('ばん'),
  番目: c('ばんめ'),
  番線: c('ばんせん'),
  号: c('ごう'),
  号車: c('ごうしゃ'),
  名: c('めい'),
  倍: c('ばい'),
  位: c('い'),
  割: c('わり'),
  話: c('わ'),
  問: c('もん'),
  ドル: c('ドル'),
  ユーロ: c('ユーロ'),
  ポンド: c('ポンド', { sound: 'unit' }),
  セント: c('セント', { sound: 'unit' }),
  ページ: c('ページ', { sound: 'unit' }),
  キロ: c('キロ', { sound: 'unit' }),
  メートル: c('メートル'),
  センチ: c('センチ', { sound: 'unit' }),
  グラム: c('グラム'),
  パーセント: c('パーセント', { sound: 'unit' }),
  ポイント: c('ポイント', { sound: 'unit' }),
};

/** Counters, longest first (分間 before 分, 年生 before 年). */
export const JA_COUNTER_PATTERN = alternation(Object.keys(JA_COUNTERS));

const VOICED_AFTER_N: Record<string, number> = { b: 1, p: 2, voiced: 1 };

/** は→ば (+1) or ぱ (+2), か→が (+1): kana rows are laid out so the voiced forms follow. */
function shiftFirst(kana: string, by: number): string {
  const first = kana.codePointAt(0) ?? 0;
  return String.fromCodePoint(first + by) + kana.slice(1);
}

function replaceEnding(reading: string, from: string, to: string | undefined): string {
  return to !== undefined && reading.endsWith(from) ? reading.slice(0, -from.length) + to : reading;
}

/**
 * A number's reading followed by the counter, with the sound changes: `reading` is the number
 * as read alone (さんじゅう), `value` its integer value (null for decimals).
 */
export function counted(reading: string, value: number | null, counter: JaCounter): string {
  const word = value === null ? undefined : counter.exact?.[value];
  if (word !== undefined) return word;
  // Decimals keep the counter's plain form: 1.5本 いってんごほん.
  if (value === null) return reading + counter.kana;
  if (value === 0 && counter.zero !== undefined) return counter.zero + counter.kana;
  let r = replaceEnding(reading, 'よん', counter.four);
  r = replaceEnding(r, 'なな', counter.seven);
  r = replaceEnding(r, 'きゅう', counter.nine);
  const { kana, sound } = counter;
  if (sound === 'unit') {
    return /^[カキクケコサシスセソタチツテトパピプペポ]/.test(kana)
      ? replaceEnding(r, 'じゅう', 'じゅっ') + kana
      : r + kana;
  }
  if (sound === 'none') return r + kana;
  const doubled = geminate(r, sound === 'st' ? 'light' : 'heavy');
  if (doubled !== r) return doubled + (sound === 'h' ? shiftFirst(kana, 2) : kana);
  if (r.endsWith('ん') && counter.afterN !== undefined) {
    if (r.endsWith('よん')) return r + (counter.pAfterYon ? shiftFirst(kana, 2) : kana);
    return r + shiftFirst(kana, VOICED_AFTER_N[counter.afterN] ?? 0);
  }
  return r + kana;
}
