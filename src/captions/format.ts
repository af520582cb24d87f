import { toCaptionJson } from './json.js';
import { toSrt } from './srt.js';
import type { CaptionFormat, CaptionUnit } from './types.js';
import { toWebVtt } from './vtt.js';

export { toCaptionJson } from './json.js';
export { toSrt } from './srt.js';
export { formatTimestamp } from './timestamp.js';
export { toWebVtt } from './vtt.js';

export interface RenderedCaptions {
  body: string;
  /** HTTP Content-Type, always UTF-8. */
  contentType: string;
  /** File name extension without the dot: "vtt", "srt" or "json". */
  extension: string;
}

/** Render caption units in the requested format, with what an HTTP response or file needs. */
export function renderCaptions(units: readonly CaptionUnit[], format: CaptionFormat): RenderedCaptions {
  switch (format) {
    case 'vtt':
      return { body: toWebVtt(units), contentType: 'text/vtt; charset=utf-8', extension: 'vtt' };
    case 'srt':
      return { body: toSrt(units), contentType: 'application/x-subrip; charset=utf-8', extension: 'srt' };
    case 'json':
      return {
        body: toCaptionJson(units),
        contentType: 'application/json; charset=utf-8',
        extension: 'json',
      };
  }
}
