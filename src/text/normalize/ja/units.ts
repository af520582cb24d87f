import { alternation } from '../rule.js';
import type { JaCounter } from './counters.js';

// Units written with symbols or Latin letters after a number, read in kana.

export function unit(kana: string, voiceless = false): JaCounter {
  return { kana, sound: voiceless ? 'unit' : 'none' };
}

/** Degrees: 0℃ is れいど. */
const DEGREES: JaCounter = { kana: 'ど', sound: 'none', zero: 'れい' };

/** Units after a number; loanwords stay in katakana, as Japanese writes them. */
export const JA_UNITS: Record<string, JaCounter> = {
  '%': unit('パーセント', true),
  '℃': DEGREES,
  '°C': DEGREES,
  '°': DEGREES,
  '㎡': unit('へいほうメートル'),
  'm²': unit('へいほうメートル'),
  km: unit('キロメートル', true),
  '㎞': unit('キロメートル', true),
  kg: unit('キログラム', true),
  '㎏': unit('キログラム', true),
  cm: unit('センチメートル', true),
  '㎝': unit('センチメートル', true),
  mm: unit('ミリメートル'),
  m: unit('メートル'),
  g: unit('グラム'),
  mg: unit('ミリグラム'),
  ml: unit('ミリリットル'),
  mL: unit('ミリリットル'),
  L: unit('リットル'),
  t: unit('トン', true),
  kcal: unit('キロカロリー', true),
  GB: unit('ギガバイト'),
  MB: unit('メガバイト'),
  TB: unit('テラバイト', true),
  KB: unit('キロバイト', true),
  Hz: unit('ヘルツ'),
  kW: unit('キロワット', true),
  W: unit('ワット'),
  V: unit('ボルト'),
};

export const JA_UNIT_PATTERN = `(?:${alternation(Object.keys(JA_UNITS))})(?![A-Za-z])`;
