import { concatAudio, silence } from '../../audio/dsp.js';
import type { PcmAudio } from '../../audio/types.js';
import { splitSentences } from '../../text/split.js';
import { type Checkpoint, NEVER_CANCELED } from '../cancel.js';
import type { Language, LineLexiconEntry, PhonemeEntry, RenderedSpeech, WordTiming } from '../types.js';
import { locateWords, type SpokenWord, spokenLine, writtenWords } from './spoken-line.js';

/** How one voice says a sentence, and how its output is cut to the speech. */
export interface SentenceVoice {
  /** `ipa`: the line's IPA lexicon entries, for engines that take phonemes. */
  speak(sentence: string, ipa: readonly PhonemeEntry[]): Promise<RenderedSpeech>;
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
  req: { text: string; lang: Language; sentenceGapSeconds: number; lexicon?: readonly LineLexiconEntry[] },
  checkpoint: Checkpoint = NEVER_CANCELED,
): Promise<RenderedSpeech> {
  const entries = req.lexicon ?? [];
  // An IPA entry's grapheme stays as written (no rule rewrites it); engines that take phonemes
  // then say it with the entry's IPA.
  const line = spokenLine(
    req.lang,
    req.text,
    entries.map((e) => ({
      grapheme: e.grapheme,
      alias: e.alias ?? e.grapheme,
      caseSensitive: e.caseSensitive,
    })),
  );
  const ipa = entries.filter((e): e is PhonemeEntry => e.alias === undefined && e.phonemes !== undefined);
  const sentences = splitSentences(line.spoken, req.lang);
  const parts: PcmAudio[] = [];
  const words: SpokenWord[] = [];
  let cursor = 0;
  let rate = 0;
  let at = 0;
  for (const sentence of sentences) {
    checkpoint();
    const offset = line.spoken.indexOf(sentence, at);
    at = offset < 0 ? at : offset + sentence.length;
    const spoken = await voice.speak(sentence, ipa);
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
  return {
    samples: concatAudio(parts).samples,
    sampleRate: rate,
    words: writtenWords(req.text, line, words),
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
