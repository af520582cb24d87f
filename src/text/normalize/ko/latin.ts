import { latinRules } from '../latin.js';
import type { Rule } from '../types.js';

// Latin abbreviations inside Korean, as Korean speakers say them: letter names (KTX 케이티엑스,
// CEO 시이오), or a word for the acronyms said as words (NASA 나사) and the mixed forms whose
// digits are said in English (3D 쓰리디, MP3 엠피쓰리).

const LETTERS: Record<string, string> = {
  A: '에이',
  B: '비',
  C: '시',
  D: '디',
  E: '이',
  F: '에프',
  G: '지',
  H: '에이치',
  I: '아이',
  J: '제이',
  K: '케이',
  L: '엘',
  M: '엠',
  N: '엔',
  O: '오',
  P: '피',
  Q: '큐',
  R: '알',
  S: '에스',
  T: '티',
  U: '유',
  V: '브이',
  W: '더블유',
  X: '엑스',
  Y: '와이',
  Z: '제트',
};

const WORDS: Record<string, string> = {
  NASA: '나사',
  UNESCO: '유네스코',
  UNICEF: '유니세프',
  NATO: '나토',
  FIFA: '피파',
  OPEC: '오펙',
  ASEAN: '아세안',
  KOSPI: '코스피',
  KOSDAQ: '코스닥',
  KAIST: '카이스트',
  POSCO: '포스코',
  COVID: '코비드',
  JPEG: '제이펙',
  RAM: '램',
  ROM: '롬',
  LAN: '랜',
  PIN: '핀',
  IoT: '아이오티',
  'Wi-Fi': '와이파이',
  WiFi: '와이파이',
  'K-POP': '케이팝',
  'K-pop': '케이팝',
  '2D': '투디',
  '3D': '쓰리디',
  '4K': '포케이',
  '8K': '에잇케이',
  '4G': '포지',
  '5G': '파이브지',
  MP3: '엠피쓰리',
  MP4: '엠피포',
  A4: '에이포',
  KF94: '케이에프 구사',
  KF80: '케이에프 팔공',
};

const { words, caps } = latinRules('ko', { letters: LETTERS, words: WORDS, ampersand: '앤' });

export const koLatinWordRule: Rule = words;
export const koLatinCapsRule: Rule = caps;
