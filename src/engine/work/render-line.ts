import { concatAudio, silence } from '../../audio/dsp.js';
import type { PcmAudio } from '../../audio/types.js';
import { splitSentences } from '../../text/split.js';
import type { LexiconAlias } from '../../text/normalize/index.js';
import type { Language, RenderedSpeech, WordTiming } from '../types.js';
import { locateWords, type SpokenWord, spokenLine, writtenWords } from './spoken-line.js';

/** How one voice says a sentence, and how its output is cut to the speech. */
export interface SentenceVoice {
  speak(sentence: string): Promise<RenderedSpeech>;
  trim(audio: PcmAudio): Promise<{ audio: PcmAudio; offsetSeconds: number }>;
}

/**
 * One script line: normalized to what a native speaker says (`3시` → "세 시", lexicon entries
 * first), split into sentences (engines phrase long input badly and captions need the
 * boundaries), speak each, cut each sentence's own leading/trailing silence, and join them with a
 * fixed pause. Word times are moved with every cut so they stay where the audio is, and come back
 * in written form (the caption shows `3시` for the time the voice says "세 시").
 */
export async function renderLine(
  voice: SentenceVoice,
  req: { text: string; lang: Language; sentenceGapSeconds: number; lexicon?: readonly LexiconAlias[] },
): Promise<RenderedSpeech> {
  const line = spokenLine(req.lang, req.text, req.lexicon);
  const sentences = splitSentences(line.spoken, req.lang);
  const parts: PcmAudio[] = [];
  const words: SpokenWord[] = [];
  let cursor = 0;
  let rate = 0;
  let at = 0;
  for (const sentence of sentences) {
    const offset = line.spoken.indexOf(sentence, at);
    at = offset < 0 ? at : offset + sentence.length;
    const spoken = await voice.speak(sentence);
    rate = spoken.sampleRate;
    const trimmed = await voice.trim({ samples: spoken.samples, sampleRate: spoken.sampleRate });
    if (trimmed.audio.samples.length === 0) continue;
    if (parts.length > 0) {
      parts.push(silence(req.sentenceGapSeconds, rate));
      cursor += Math.round(req.sentenceGapSeconds * rate) / rate;
    }
    const length = trimmed.audio.samples.length / rate;
    const moved: WordTiming[] = spoken.words.map((w) => {
      const start = clamp(w.start - trimmed.offsetSeconds, 0, length);
      const end = clamp(w.end - trimmed.offsetSeconds, start, length);
      return { text: w.text, start: cursor + start, end: cursor + end };
    });
    if (offset >= 0) words.push(...locateWords(sentence, offset, moved));
    parts.push(trimmed.audio);
    cursor += length;
  }
  if (parts.length === 0) return { samples: new Float32Array(0), sampleRate: rate || 22050, words: [] };
  return { samples: concatAudio(parts).samples, sampleRate: rate, words: writtenWords(req.text, line, words) };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
