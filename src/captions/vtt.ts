import { cueText, speakerLabel, wrapLines } from './text.js';
import { formatMilliseconds, timedUnits } from './timestamp.js';
import type { CaptionUnit } from './types.js';

/** Cue text must escape these three; escaping '>' also rules out a '-->' that would end the cue. */
function escapeCueText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The <v> annotation runs to the first '>', and older parsers do not decode character
 * references inside it, so '<' and '>' are dropped from names rather than escaped. '&' is
 * written as &amp;, which the WebVTT spec (and current browsers) decode in annotations.
 */
function voiceAnnotation(unit: CaptionUnit): string {
  const annotation = speakerLabel(unit, (label) => label.replace(/[<>]/g, ' ')).replace(/&/g, '&amp;');
  // A name ending in "--" would meet the tag's '>' and form "-->", which ends the cue. Parsers
  // trim whitespace from annotations, so a space before '>' is invisible.
  return annotation.endsWith('-') ? `${annotation} ` : annotation;
}

/**
 * WebVTT with one cue per unit: numbered ids, HH:MM:SS.mmm timings, and the payload in a
 * voice span `<v Name>text</v>` so players can style and announce speakers. Long text is
 * wrapped onto several lines inside the same span.
 */
export function toWebVtt(units: readonly CaptionUnit[]): string {
  const blocks = ['WEBVTT'];
  timedUnits(units).forEach(({ unit, startMs, endMs }, i) => {
    const lines = wrapLines(cueText(unit.text)).map(escapeCueText);
    const payload = `<v ${voiceAnnotation(unit)}>${lines.join('\n')}</v>`;
    blocks.push(
      `${i + 1}\n${formatMilliseconds(startMs, '.')} --> ${formatMilliseconds(endMs, '.')}\n${payload}`,
    );
  });
  return `${blocks.join('\n\n')}\n`;
}
