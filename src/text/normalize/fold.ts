// Japanese and Korean text often writes digits, Latin letters and signs full-width (３本, ＡＩ, ％).
// Rules are written against ASCII, so the text they see maps every full-width form onto its
// ASCII twin. Each mapping replaces one UTF-16 unit with one, so offsets stay valid for the
// written text.

const FULLWIDTH_FIRST = 0xff01; // ！
const FULLWIDTH_LAST = 0xff5e; // ～
const FULLWIDTH_OFFSET = 0xfee0;

const SINGLE: Record<string, string> = {
  '\u3000': ' ', // ideographic space
  '\u301c': '~', // 〜 wave dash
  '\u2212': '-', // − minus sign
  '\uffe5': '¥', // ￥
  '\uffe6': '₩', // ￦
  '\uffe1': '£', // ￡
};

export function fold(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= FULLWIDTH_FIRST && unit <= FULLWIDTH_LAST) {
      out += String.fromCharCode(unit - FULLWIDTH_OFFSET);
    } else {
      const ch = text.charAt(i);
      out += SINGLE[ch] ?? ch;
    }
  }
  return out;
}
