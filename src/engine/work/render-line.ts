import { concatAudio, silence } from '../../audio/dsp.js';
import type { PcmAudio } from '../../audio/types.js';
import { splitSentences } from '../../text/split.js';
import type { Language, RenderedSpeech, WordTiming } from '../types.js';

/** How one voice says a sentence, and how its output is cut to the speech. */
export interface SentenceVoice {
  speak(sentence: string): Promise<RenderedSpeech>;
  trim(audio: PcmAudio): Promise<{ audio: PcmAudio; offsetSeconds: number }>;
}

/**
 * One script line: split into sentences (engines phrase long input badly and captions need the
 * boundaries), speak each, cut each sentence's own leading/trailing silence, and join them with a
 * fixed pause. Word times are moved with every cut so they stay where the audio is.
 */
export async function renderLine(
  voice: SentenceVoice,
  req: { text: string; lang: Language; sentenceGapSeconds: number },
): Promise<RenderedSpeech> {
  const sentences = splitSentences(req.text, req.lang);
  const parts: PcmAudio[] = [];
  const words: WordTiming[] = [];
  let cursor = 0;
  let rate = 0;
  for (const sentence of sentences) {
    const spoken = await voice.speak(sentence);
    rate = spoken.sampleRate;
    const trimmed = await voice.trim({ samples: spoken.samples, sampleRate: spoken.sampleRate });
    if (trimmed.audio.samples.length === 0) continue;
    if (parts.length > 0) {
      parts.push(silence(req.sentenceGapSeconds, rate));
      cursor += Math.round(req.sentenceGapSeconds * rate) / rate;
    }
    const length = trimmed.audio.samples.length / rate;
    for (const w of spoken.words) {
      const start = clamp(w.start - trimmed.offsetSeconds, 0, length);
      const end = clamp(w.end - trimmed.offsetSeconds, start, length);
      words.push({ text: w.text, start: cursor + start, end: cursor + end });
    }
    parts.push(trimmed.audio);
    cursor += length;
  }
  if (parts.length === 0) return { samples: new Float32Array(0), sampleRate: rate || 22050, words: [] };
  return { samples: concatAudio(parts).samples, sampleRate: rate, words };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
