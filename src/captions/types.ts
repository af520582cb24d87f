/** A word as the engine spoke it: times in seconds from the start of the returned audio. */
export interface WordTiming {
  text: string;
  start: number;
  end: number;
}

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
