import { analyzeVoice } from '../../audio/profile.js';
import type { VoiceProfile } from '../../audio/types.js';
import { nonSilentRegions } from '../../audio/vad.js';
import { totalDuration } from '../../audio/regions.js';
import { estimateSyllables } from '../../text/syllables.js';
import { CALIBRATION_TEXT } from '../espeak/calibration.js';
import type { SileroVad } from '../silero/vad.js';
import type { Language } from '../types.js';
import { renderLine, type SentenceVoice } from './render-line.js';

/**
 * A preset voice's profile, measured as a reference recording is: the calibration passage spoken
 * in that voice, its speech found by Silero (by level when Silero hears none, as in a tone), then
 * pitch, range and brightness over that speech and syllables per second of it.
 */
export async function profileVoice(
  voice: SentenceVoice,
  lang: Language,
  vad: SileroVad,
): Promise<VoiceProfile> {
  const text = CALIBRATION_TEXT[lang];
  const spoken = await renderLine(voice, { text, lang, sentenceGapSeconds: 0.2 });
  const audio = { samples: spoken.samples, sampleRate: spoken.sampleRate };
  let speech = await vad.detect(audio);
  if (speech.speechSeconds === 0) {
    // Synthesized audio is digitally silent between sentences: an absolute level finds the sound.
    const regions = nonSilentRegions(audio, { thresholdDb: -50, minGapSeconds: 0.1 });
    speech = { regions, speechSeconds: totalDuration(regions) };
  }
  const profile = analyzeVoice(audio, speech.regions);
  const syllableRate = speech.speechSeconds > 0 ? estimateSyllables(text, lang) / speech.speechSeconds : 0;
  return { ...profile, syllableRate };
}
