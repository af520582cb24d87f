import { roundToMilliseconds, timedUnits } from './timestamp.js';
import type { CaptionUnit } from './types.js';

/**
 * The SPEC's JSON captions: `{ "captions": [...] }`, pretty-printed, with the same ordering and
 * millisecond timings as the WebVTT/SRT renderings so every format agrees. Text is kept as
 * given (JSON escapes what it must); word times are rounded the same way.
 */
export function toCaptionJson(units: readonly CaptionUnit[]): string {
  const captions = timedUnits(units).map(({ unit, startMs, endMs }): CaptionUnit => ({
    start: startMs / 1000,
    end: endMs / 1000,
    speaker: unit.speaker,
    ...(unit.speaker_name === undefined ? {} : { speaker_name: unit.speaker_name }),
    text: unit.text,
    ...(unit.words === undefined
      ? {}
      : {
          words: unit.words.map((word) => ({
            text: word.text,
            start: roundToMilliseconds(word.start),
            end: roundToMilliseconds(word.end),
          })),
        }),
  }));
  return `${JSON.stringify({ captions }, null, 2)}\n`;
}
