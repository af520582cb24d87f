import type { Espeak } from '../espeak/module.js';
import { escapeSsml } from '../espeak/text.js';

/**
 * Text to the phoneme strings Piper voices were trained on (piper-phonemize): eSpeak NG IPA, one
 * utterance per sentence, with each clause's punctuation kept after its phonemes (the voices have
 * ids for it and pause on it). eSpeak loses the punctuation when it writes IPA, so clauses are cut
 * here and each one phonemized on its own; eSpeak's phoneme separator ("_", which is Piper's PAD
 * symbol) is dropped.
 */
const CLAUSE = /([^.,;:!?。、！？]+)([.,;:!?。、！？]*)/gu;
const SENTENCE_END = /[.!?。！？]/u;

export function piperPhonemes(espeak: Espeak, text: string, voice: string): string[] {
  const sentences: string[] = [];
  let current: string[] = [];
  for (const [, clause, punct] of text.matchAll(CLAUSE)) {
    const words = clause!.trim();
    if (words) {
      const ipa = espeak
        .ipa(escapeSsml(words), voice)
        .replace(/_/g, '')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .join(' ');
      if (ipa) current.push(ipa + normalizePunct(punct ?? ''));
    }
    if (punct && SENTENCE_END.test(punct) && current.length > 0) {
      sentences.push(current.join(' '));
      current = [];
    }
  }
  if (current.length > 0) sentences.push(current.join(' '));
  return sentences;
}

/** Piper's maps carry ASCII punctuation; full-width forms become their ASCII twins, runs collapse to one. */
function normalizePunct(p: string): string {
  const first = p.trim()[0];
  if (!first) return '';
  return ({ '。': '.', '、': ',', '！': '!', '？': '?' } as Record<string, string>)[first] ?? first;
}
