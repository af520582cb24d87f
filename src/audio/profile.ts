import { meanSpectralCentroid } from './centroid.js';
import { estimatePitch } from './pitch.js';
import { makeRegionTest, mergeCloseRegions, totalDuration } from './regions.js';
import { resample } from './resample.js';
import { percentile } from './stats.js';
import { syllableNuclei } from './syllables.js';
import type { PcmAudio, TimeRegion, VoiceProfile } from './types.js';
import { detectSpeech } from './vad.js';

/** Everything is measured at one rate so profiles of the same voice agree across upload formats. */
const ANALYSIS_RATE = 16000;
const MIN_VOICED_FRAMES = 50;
// Adult f0 distributions overlap around 155-165 Hz; inside that band the spectral centroid decides.
const FEMALE_ABOVE_HZ = 165;
const MALE_BELOW_HZ = 155;
const BRIGHTNESS_SPLIT_HZ = 1800;
/** A syllable nucleus counts as voiced if a voiced pitch frame lies this close. */
const VOICED_NEAR_SECONDS = 0.03;

/**
 * Describes a reference recording. `speech` defaults to detectSpeech's regions; everything is measured
 * only inside them.
 */
export function analyzeVoice(audio: PcmAudio, speech?: TimeRegion[]): VoiceProfile {
  const a = audio.sampleRate > ANALYSIS_RATE ? resample(audio, ANALYSIS_RATE) : audio;
  // Caller-supplied regions may come unsorted or overlapping; merging makes durations count once.
  const regions = mergeCloseRegions(
    [...(speech ?? detectSpeech(a).regions)].sort((p, q) => p.start - q.start),
    0,
  );
  const speechSeconds = totalDuration(regions);

  const pitch = estimatePitch(a);
  const inSpeech = makeRegionTest(regions);
  const voiced: number[] = [];
  const voicedTimes: number[] = [];
  for (let i = 0; i < pitch.f0.length; i++) {
    const t = pitch.times[i]!;
    if (pitch.f0[i]! > 0 && inSpeech(t)) {
      voiced.push(pitch.f0[i]!);
      voicedTimes.push(t);
    }
  }

  const medianF0 = voiced.length > 0 ? percentile(voiced, 50) : 0;
  const f0RangeSemitones =
    voiced.length > 1 ? 12 * Math.log2(percentile(voiced, 90) / percentile(voiced, 10)) : 0;

  const nuclei =
    speechSeconds > 0
      ? syllableNuclei(a, { inSpeech: makeRegionTest(regions), voicedNear: nearAny(voicedTimes) })
      : [];
  const syllableRate = speechSeconds > 0 ? nuclei.length / speechSeconds : 0;
  const brightness = speechSeconds > 0 ? meanSpectralCentroid(a, makeRegionTest(regions)) : 0;

  let gender: VoiceProfile['gender'] = 'unknown';
  if (voiced.length >= MIN_VOICED_FRAMES) {
    if (medianF0 > FEMALE_ABOVE_HZ) gender = 'female';
    else if (medianF0 < MALE_BELOW_HZ) gender = 'male';
    else gender = brightness > BRIGHTNESS_SPLIT_HZ ? 'female' : 'male';
  }
  return { medianF0, f0RangeSemitones, syllableRate, brightness, gender };
}

/** Binary search over sorted times: is any within VOICED_NEAR_SECONDS of t? */
function nearAny(sorted: number[]): (t: number) => boolean {
  return (t: number): boolean => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    const after = sorted[lo];
    const before = sorted[lo - 1];
    return (
      (after !== undefined && after - t <= VOICED_NEAR_SECONDS) ||
      (before !== undefined && t - before <= VOICED_NEAR_SECONDS)
    );
  };
}
