import { alternation } from '../rule.js';
import { nativeKorean, nativePair, sinoPair } from './numbers.js';

// Which numerals a counter takes. Native Korean counters count things, people, hours and times
// (세 시, 두 개, 스무 살); Sino-Korean ones measure, date and label (삼십 분, 십이 월, 삼 층,
// 3번 버스 삼 번). Longer counters are matched first, so 개월 and 개국 (Sino) beat 개 (native)
// and 시간 beats 시.

const NATIVE = [
  '시',
  '시간',
  '개',
  '명',
  '사람',
  '마리',
  '살',
  '번째',
  '잔',
  '권',
  '장',
  '대',
  '벌',
  '켤레',
  '그루',
  '병',
  '채',
  '척',
  '달',
  '군데',
  '가지',
  '통',
  '송이',
  '곳',
  '자루',
  '봉지',
  '상자',
  '박스',
  '포기',
  '쌍',
  '그릇',
  '접시',
  '바퀴',
  '판',
  '끼',
  '곡',
  '편',
  '조각',
  '줄',
  '알',
  '배',
  '번',
  '마디',
  '걸음',
  '모금',
  '골',
  '팀',
  '캔',
  '팩',
];

const SINO = [
  '분',
  '초',
  '년',
  '년대',
  '년간',
  '년생',
  '년도',
  '월',
  '일',
  '일간',
  '원',
  '층',
  '호',
  '호선',
  '호실',
  '번지',
  '번길',
  '개월',
  '개국',
  '개소',
  '주',
  '주년',
  '주일',
  '주차',
  '세',
  '세대',
  '회',
  '회차',
  '차',
  '등',
  '위',
  '학년',
  '반',
  '교시',
  '인',
  '인분',
  '박',
  '쪽',
  '페이지',
  '점',
  '도',
  '승',
  '패',
  '부',
  '화',
  '기',
  '절',
  '항',
  '배속',
  '달러',
  '엔',
  '위안',
  '유로',
  '파운드',
  '센트',
  '퍼센트',
  '킬로미터',
  '킬로그램',
  '킬로',
  '미터',
  '센티미터',
  '센티',
  '밀리미터',
  '그램',
  '리터',
  '평',
  '인치',
  '세트',
  '라운드',
  '시즌',
  '시리즈',
];

/** Unit symbols and Latin unit abbreviations after a number, read in Hangul (Sino-Korean numbers). */
export const KO_UNITS: Record<string, string> = {
  '%': '퍼센트',
  '%p': '퍼센트포인트',
  '℃': '도',
  '°C': '도',
  '°': '도',
  '㎡': '제곱미터',
  'm²': '제곱미터',
  m2: '제곱미터',
  '㎢': '제곱킬로미터',
  'km²': '제곱킬로미터',
  '㎥': '세제곱미터',
  'm³': '세제곱미터',
  km: '킬로미터',
  '㎞': '킬로미터',
  'km/h': '킬로미터',
  kg: '킬로그램',
  '㎏': '킬로그램',
  cm: '센티미터',
  '㎝': '센티미터',
  mm: '밀리미터',
  '㎜': '밀리미터',
  m: '미터',
  g: '그램',
  mg: '밀리그램',
  '㎎': '밀리그램',
  ml: '밀리리터',
  mL: '밀리리터',
  '㎖': '밀리리터',
  L: '리터',
  l: '리터',
  '㎗': '데시리터',
  t: '톤',
  kcal: '킬로칼로리',
  cal: '칼로리',
  GB: '기가바이트',
  MB: '메가바이트',
  TB: '테라바이트',
  KB: '킬로바이트',
  Hz: '헤르츠',
  GHz: '기가헤르츠',
  MHz: '메가헤르츠',
  kWh: '킬로와트시',
  kW: '킬로와트',
  W: '와트',
  V: '볼트',
  mAh: '밀리암페어시',
  ppm: '피피엠',
  dB: '데시벨',
};

const NATIVE_SET = new Set(NATIVE);

/** Counters in Hangul, longest first, for a regex. */
export const KO_COUNTER_PATTERN = alternation([...NATIVE, ...SINO]);
/** Unit symbols; Latin ones must not run on into a longer word (5m but not 5min…). */
export const KO_UNIT_PATTERN = `(?:${alternation(Object.keys(KO_UNITS))})(?![A-Za-z])`;

// 번 counts times (세 번 봤다) or labels a number (3번 버스, 삼 번). It counts when followed by
// a frequency word or by a verb; before a noun (출구, 버스, 선수) it is a label.
const BEON_FREQUENCY = /^(?:씩|이나|만에|밖에|정도|쯤|가량|이상|이하|넘게|째)/;
const BEON_NEXT_FREQUENCY =
  /^(?:더|다시|연속|정도|쯤|이상|이하|넘게|만에|씩|반복|계속|시도|도전|실패|성공|우승|만났|봤|갔|왔|했|읽|들었|먹었|말했)/;
const COPULA_END = /(?:입니다|이다|이에요|예요|였다|이었다|였어요|이었어요)[.!?,…]*$/;
const VERB_END = /(?:다|요|죠|고|서|면|니다|는데|지만|어|아)[.!?,…]*$/;

function beonCounts(rest: string): boolean {
  if (BEON_FREQUENCY.test(rest)) return true;
  const next = /^\s+(\S+)/.exec(rest)?.[1];
  if (next === undefined) return false;
  if (BEON_NEXT_FREQUENCY.test(next)) return true;
  return !COPULA_END.test(next) && VERB_END.test(next);
}

/** Whether `counter` takes native numerals here. 20대 (one's twenties) is Sino: 이십 대. */
function takesNative(counter: string, n: number, rest: string): boolean {
  if (!NATIVE_SET.has(counter)) return false;
  if (counter === '번') return beonCounts(rest);
  if (counter === '대') return !(n % 10 === 0 && n >= 10 && n <= 90);
  return true;
}

/**
 * A number and its counter as said: `whole` is the integer value when the number is a plain
 * integer (native numerals exist only for those), `sino` its Sino-Korean reading, `rest` the
 * text after the counter (for 번).
 */
export function countedKorean(whole: number | null, sino: string, counter: string, rest: string): string {
  if (whole !== null && counter === '번째') {
    return `${whole === 1 ? '첫' : whole <= 99 ? nativeKorean(whole) : sino} 번째`;
  }
  if (whole !== null && whole >= 1 && whole <= 99 && takesNative(counter, whole, rest)) {
    return `${nativeKorean(whole)} ${counter}`;
  }
  if (counter === '월' && (whole === 6 || whole === 10)) return whole === 6 ? '유월' : '시월';
  return `${sino} ${counter}`;
}

/** Counters a fused pair cannot come before: clock hours, months, labels (3~4번 출구). */
const NO_FUSED_PAIR = new Set(['시', '번째', '번', '대', '월', '호', '층', '호선', '번지']);

/**
 * Neighbouring small numbers before a counter fuse, as speakers say them: 1~2개 한두 개,
 * 3~4명 서너 명 (native), 3~4일 삼사 일, 5~6% 오륙 퍼센트 (Sino). `said` is the counter or
 * unit as spoken.
 */
export function fusedRange(
  low: number | null,
  high: number | null,
  counter: string,
  said: string,
): string | undefined {
  if (low === null || high === null || NO_FUSED_PAIR.has(counter)) return undefined;
  const pair = NATIVE_SET.has(counter) ? nativePair(low, high) : sinoPair(low, high);
  return pair === undefined ? undefined : `${pair} ${said}`;
}
