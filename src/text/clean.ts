// Tab, LF, VT, FF, CR and the Unicode line/paragraph separators: these separate words, so they
// become spaces rather than vanishing (removing them would glue "line\nbreak" into one word).
const BREAKING_CONTROLS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
// The remaining C0/C1 controls and DEL have no spoken or visible meaning; they only break
// downstream formats (a NUL in a caption file, an ESC in a terminal log).
// eslint-disable-next-line no-control-regex
const OTHER_CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
// Unpaired surrogates cannot be encoded as UTF-8; replace them like TextEncoder would.
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Canonical form for script text before it is spoken or captioned: NFC (so decomposed Hangul
 * jamo and kana + combining dakuten compare and count like their precomposed forms), control
 * characters removed, newlines and every other whitespace run collapsed to one space, trimmed.
 */
export function normalizeText(text: string): string {
  return text
    .replace(LONE_SURROGATES, '\uFFFD')
    .replace(BREAKING_CONTROLS, ' ')
    .replace(OTHER_CONTROLS, '')
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .trim();
}
