import { normalizeText } from '../text/clean.js';
import { isWide } from '../text/script.js';
import type { CaptionUnit } from './types.js';

/** Subtitle line width in columns (a wide CJK character takes two): the common 42-column limit. */
export const LINE_COLUMNS = 42;

/**
 * Cue text on one line: NFC, no control characters, no newlines (a blank line would end the
 * cue early in both WebVTT and SRT), single spaces. Line breaks are added back by wrapLines.
 */
export function cueText(text: string): string {
  return normalizeText(text);
}

/**
 * The label shown for a unit's speaker: its display name, else its id, else a generic word.
 * `clean` removes what the output format cannot hold; a name left empty by it is skipped.
 */
export function speakerLabel(unit: CaptionUnit, clean: (label: string) => string = (label) => label): string {
  for (const candidate of [unit.speaker_name, unit.speaker]) {
    const label = candidate === undefined ? '' : normalizeText(clean(normalizeText(candidate)));
    if (label !== '') return label;
  }
  return 'Speaker';
}

function columns(text: string): number {
  let width = 0;
  for (const ch of text) width += isWide(ch.codePointAt(0) ?? 0) ? 2 : 1;
  return width;
}

function greedy(words: string[], limit: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line !== '' && columns(line) + 1 + columns(word) > limit) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/**
 * Wrap single-line text at spaces into lines of at most maxColumns where possible, balancing
 * line lengths (two 25-column lines read better than 42 + 8). Never yields an empty line. A
 * word wider than the limit (unspaced Japanese) is left whole: players wrap it themselves.
 */
export function wrapLines(text: string, maxColumns = LINE_COLUMNS): string[] {
  if (text === '') return [];
  const total = columns(text);
  if (total <= maxColumns) return [text];
  const words = text.split(' ').filter((word) => word !== '');
  const plain = greedy(words, maxColumns);
  // The narrowest limit that still needs no more lines than plain greedy wrapping.
  for (let limit = Math.ceil(total / plain.length); limit < maxColumns; limit++) {
    const balanced = greedy(words, limit);
    if (balanced.length <= plain.length) return balanced;
  }
  return plain;
}
