// Numbers written in kanji: 百二十三 (place words), 二〇二六 (digit by digit with 〇), 三千五百万.

const DIGIT: Record<string, number> = {
  〇: 0,
  零: 0,
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const PLACE: Record<string, bigint> = { 十: 10n, 百: 100n, 千: 1000n };
const MYRIAD: Record<string, bigint> = { 万: 10n ** 4n, 億: 10n ** 8n, 兆: 10n ** 12n };

/** The characters a kanji number is made of. */
export const KANJI_NUMERAL = '[〇零一二三四五六七八九十百千万億兆]';

/** Digits of a kanji number, or null when the characters do not form one (一二, 万一). */
export function parseKanjiNumber(text: string): string | null {
  const chars = [...text];
  if (chars.every((ch) => DIGIT[ch] !== undefined)) {
    // Positional only with a zero (二〇二六); 一二 or 三三 are not numbers in running text.
    return chars.includes('〇') && chars.length > 1
      ? chars.map((ch) => DIGIT[ch]).join('')
      : chars.length === 1
        ? String(DIGIT[text])
        : null;
  }
  let total = 0n;
  let section = 0n;
  let digit: bigint | null = null;
  for (const ch of chars) {
    const d = DIGIT[ch];
    const place = PLACE[ch];
    const myriad = MYRIAD[ch];
    if (d !== undefined) {
      if (digit !== null) return null;
      digit = BigInt(d);
    } else if (place !== undefined) {
      section += (digit ?? 1n) * place;
      digit = null;
    } else if (myriad !== undefined) {
      const value = section + (digit ?? 0n);
      if (value === 0n) return null;
      total += value * myriad;
      section = 0n;
      digit = null;
    }
  }
  return String(total + section + (digit ?? 0n));
}
