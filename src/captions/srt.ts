import { cueText, speakerLabel, wrapLines } from './text.js';
import { formatMilliseconds, timedUnits } from './timestamp.js';
import type { CaptionUnit } from './types.js';

/**
 * SRT has no escaping at all: text is shown as written (players may interpret <i>-style tags,
 * which is the format's own convention). The one thing that breaks files is an arrow: a
 * wrapped line holding "12" followed by one holding "00:00:01,000 --> ..." reads as a new
 * cue header, so any run of dashes before '>' is shortened to "->".
 */
function defuseArrows(text: string): string {
  return text.replace(/-{2,}>/g, '->');
}

/**
 * SubRip: numbered cues, HH:MM:SS,mmm timings, "Name: text" (SRT has no voice markup),
 * LF line endings, a blank line after each cue and never an empty line inside one.
 */
export function toSrt(units: readonly CaptionUnit[]): string {
  return timedUnits(units)
    .map(({ unit, startMs, endMs }, i) => {
      const text = cueText(unit.text);
      const payload = wrapLines(defuseArrows(`${speakerLabel(unit)}:${text === '' ? '' : ` ${text}`}`));
      return `${i + 1}\n${formatMilliseconds(startMs, ',')} --> ${formatMilliseconds(endMs, ',')}\n${payload.join('\n')}\n`;
    })
    .join('\n');
}
