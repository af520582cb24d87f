import type { WordTiming } from '../engine/types.js';

/** The SPEC's caption unit, seconds in the mixed file; `speaker` is the speaker id. */
export interface CaptionUnit {
  start: number;
  end: number;
  speaker: string;
  speaker_name?: string;
  text: string;
  words?: WordTiming[];
}

export type CaptionFormat = 'json' | 'vtt' | 'srt';
