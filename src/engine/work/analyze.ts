import type { DecodeLimits } from '../../audio/limits.js';
import { analyzeVoice } from '../../audio/profile.js';
import type { ReferenceAnalysis } from '../contract.js';
import { guessLanguage } from '../../text/script.js';
import { checkTranscriptPlausibility } from '../../text/syllables.js';
import type { SileroVad } from '../silero/vad.js';
import type { Language } from '../types.js';
import { decodeReference } from './inspect.js';

export interface AnalyzeRequest {
  bytes: Uint8Array;
  transcript: string;
  lang: Language;
  limits: DecodeLimits;
}

/**
 * Builds the voice profile (over the regions Silero hears as speech) and checks that the transcript plausibly belongs to the recording: the
 * transcript must be written in the declared language, and its syllable count over the measured
 * speech time must be a human speaking rate for that language. Japanese is counted in morae of its
 * kana reading, which `toKana` provides (kanji alone say little about length).
 */
export async function analyzeReference(
  req: AnalyzeRequest,
  vad: SileroVad,
  toKana?: (text: string) => string,
): Promise<ReferenceAnalysis> {
  const decoded = await decodeReference(req.bytes, req.limits);
  if ('reason' in decoded) throw new Error(`stored reference no longer decodes: ${decoded.reason}`);
  const speech = await vad.detect(decoded.audio);
  const profile = analyzeVoice(decoded.audio, speech.regions);
  const written = guessLanguage(req.transcript);
  if (written !== req.lang) {
    return {
      profile,
      speechSeconds: speech.speechSeconds,
      plausibility: {
        ok: false,
        rate: 0,
        reason: `the transcript looks like "${written}" text, not "${req.lang}"`,
      },
    };
  }
  const reading = req.lang === 'ja' && toKana ? toKana(req.transcript) : undefined;
  const check = checkTranscriptPlausibility(req.transcript, req.lang, speech.speechSeconds, reading);
  if (!check.ok) {
    const plausibility = { ok: false, rate: check.rate, reason: check.reason };
    return { profile, speechSeconds: speech.speechSeconds, plausibility };
  }
  // The transcript's syllables over the measured speech time is a truer tempo than counting
  // syllable nuclei in the signal, which misses many in fast speech.
  return {
    profile: { ...profile, syllableRate: check.rate },
    speechSeconds: speech.speechSeconds,
    plausibility: { ok: true, rate: check.rate },
  };
}
