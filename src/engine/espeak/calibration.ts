import { detectSpeech } from '../../audio/vad.js';
import { estimateSyllables } from '../../text/syllables.js';
import type { VoiceProfile } from '../../audio/types.js';
import type { Language } from '../types.js';
import { type BrightnessCalibration, brightnessTilt, calibrateBrightness } from './brightness.js';
import { clamp, invert, meanOfPositive, monotone, piecewise } from './curves.js';
import type { Espeak, EspeakSettings } from './module.js';
import { type PitchStats, pitchStats } from './pitch-stats.js';

/**
 * Turns a voice profile into eSpeak settings. eSpeak's knobs are not in Hz or syllables per second,
 * so they are measured once per engine, lazily (pitch per language and variant, tempo per language),
 * with the same analysis that made the profile (estimatePitch; the transcript-style syllable count), and the
 * measurements are inverted.
 *
 * Pitch model (from eSpeak's SetPitch2: base scaled by a roughly exponential table indexed by
 * `pitch`, excursions proportional to `range`), checked against measurements:
 *   central f0(p, 50) = A(p)     A measured at p = 0, 50, 99, log-interpolated
 *   p90 − p10 (Hz)    ≈ c·r      c averaged over the same three renderings
 * Range also moves the median a little (≈ 0.4 Hz per step for m3, 0.9 for f3); rather than a probe
 * for that, every new profile gets one corrective rendering that measures the actual output.
 * Tempo: measured once, at the default rate, the way a reference's tempo is: the calibration text's
 * syllables (morae for ja) per second of detected speech. At other rates it scales with the inverse
 * of the duration of the same text, which is measured exactly. (An acoustic syllable counter would
 * under-count eSpeak's fast speech and real fast talkers alike; the text's count does not.)
 * Brightness: eSpeak has no knob for it; tiltFor picks a spectral tilt applied after synthesis,
 * from measurements on the pitch renderings (brightness.ts).
 */

export const ESPEAK_VOICES: Record<Language, string> = { en: 'en-us', ko: 'ko', ja: 'ja' };

// A few short sentences of the kind scripts contain (mostly statements, one question), so the
// measured levels average over eSpeak's sentence contours the way real lines do. Chosen against a
// set of six varied lines per language: output medians land within a few percent of the target on
// average (single lines swing ±10–20% with their intonation).
export const CALIBRATION_TEXT: Record<Language, string> = {
  en: 'Good morning. The train leaves at nine and is usually on time. Are you coming with us?',
  ko: '안녕하세요, 오늘 기분이 어때요? 날씨가 좋아서 공원에 산책하러 갔어요. 정말요!',
  ja: 'こんにちは、 おげんきですか？ てんきが よいので こうえんに いきました。 ほんとうに！', // kana: no tokenizer needed
};

const DEFAULT_RATE = 175;
const DEFAULT_PITCH = 50;
const DEFAULT_RANGE = 50;
const PITCH_GRID = [0, 50, 99];
/** f0 levels do not depend on the rate, so pitch is measured on quick (short, cheap) renderings. */
const PITCH_PROBE_RATE = 300;
/** eSpeak's durations scale almost exactly with 1/rate up to 175 wpm; above, pauses shrink less. */
const RATE_GRID = [DEFAULT_RATE, 450];
/** Beyond this eSpeak's contours swing so far that short lines lose their median; keep it tame. */
const MAX_RANGE = 80;
export const MIN_RATE = 80;
const MAX_CACHED_PROFILES = 500;
export const MAX_RATE = 450;
/** Adult f0 distributions cross over here; used when the profile's gender is unknown. */
const FEMALE_ABOVE_HZ = 160;

export type Variant = 'm3' | 'f3';

/** Per (language, variant): how `pitch` and `range` move f0, and how bright the output is. */
interface PitchCalibration {
  /** Central f0 (see PitchStats) at range 50 for each PITCH_GRID entry, Hz (non-decreasing). */
  centreAt: number[];
  /** Hz of p10–p90 spread per unit of range. */
  c: number;
  /** Measured on the same renderings (see brightness.ts). */
  brightness: BrightnessCalibration;
}

/**
 * Per language, measured on the language's default voice: variants change the duration of the same
 * text by 2–4% only, well inside the syllable counter's own scatter, so they share it.
 */
interface TempoCalibration {
  /** Syllables per second of speech at DEFAULT_RATE, counted like a reference's (from the text). */
  syllableRate: number;
  /** Duration of the calibration text at each RATE_GRID entry, seconds (decreasing). */
  durations: number[];
}

export interface VoiceMapper {
  settingsFor(lang: Language, profile: VoiceProfile | null): EspeakSettings;
  /**
   * Spectral tilt (dB, for spectralTilt) that moves output rendered with `settings` (from
   * settingsFor for the same profile) towards the profile's brightness; 0 without a profile.
   */
  tiltFor(lang: Language, profile: VoiceProfile | null, settings: EspeakSettings): number;
}

export function createVoiceMapper(espeak: Espeak): VoiceMapper {
  const pitchCals = new Map<string, PitchCalibration>();
  const tempoCals = new Map<Language, TempoCalibration>();
  const settingsCache = new Map<string, EspeakSettings>();

  const synth = (lang: Language, voice: string, pitch: number, range: number, rate: number): Float32Array =>
    espeak.synthesize(CALIBRATION_TEXT[lang], { voice, pitch, range, rate }).samples;
  const stats = (samples: Float32Array): PitchStats => pitchStats(samples, espeak.sampleRate);

  function pitchCalibration(lang: Language, voice: string): PitchCalibration {
    const cached = pitchCals.get(voice);
    if (cached) return cached;
    const renders = PITCH_GRID.map((p) => synth(lang, voice, p, DEFAULT_RANGE, PITCH_PROBE_RATE));
    const grid = renders.map(stats);
    const cal = {
      centreAt: monotone(grid.map((g) => g.centre)),
      c: meanOfPositive(grid.map((g) => g.spreadHz)) / DEFAULT_RANGE,
      brightness: calibrateBrightness(
        renders.map((samples) => ({ samples, sampleRate: espeak.sampleRate })),
        PITCH_GRID.indexOf(DEFAULT_PITCH),
      ),
    };
    pitchCals.set(voice, cal);
    return cal;
  }

  function tempoCalibration(lang: Language): TempoCalibration {
    const cached = tempoCals.get(lang);
    if (cached) return cached;
    let syllableRate = 0;
    const durations = RATE_GRID.map((rate) => {
      const samples = synth(lang, ESPEAK_VOICES[lang], DEFAULT_PITCH, DEFAULT_RANGE, rate);
      if (rate === DEFAULT_RATE) {
        const speech = detectSpeech({ samples, sampleRate: espeak.sampleRate }).speechSeconds;
        syllableRate = speech > 0 ? estimateSyllables(CALIBRATION_TEXT[lang], lang) / speech : 0;
      }
      return samples.length / espeak.sampleRate;
    });
    const cal = { syllableRate, durations };
    tempoCals.set(lang, cal);
    return cal;
  }

  function settingsFor(lang: Language, profile: VoiceProfile | null): EspeakSettings {
    const base = ESPEAK_VOICES[lang];
    if (!profile) return { voice: base, rate: DEFAULT_RATE, pitch: DEFAULT_PITCH, range: DEFAULT_RANGE };
    const key = `${lang}|${profileKey(profile)}`;
    const cached = settingsCache.get(key);
    if (cached) return cached;

    const voice = `${base}+${variantFor(profile)}`;
    const cal = pitchCalibration(lang, voice);
    const rate = rateFor(tempoCalibration(lang), profile.syllableRate);
    const targetMedian = profile.medianF0 > 0 ? profile.medianF0 : centreAtPitch(cal, DEFAULT_PITCH);
    const targetSemitones = profile.f0RangeSemitones > 0 ? profile.f0RangeSemitones : NaN;

    let { pitch, range } = pitchAndRange(cal, targetMedian, targetSemitones);
    // One corrective pass on the real output: the linear model is close but not exact (range
    // changes shift the median slightly differently at each pitch), and this costs one synthesis.
    const got = stats(synth(lang, voice, pitch, range, PITCH_PROBE_RATE));
    if (got.centre > 0) {
      const median = targetMedian * (targetMedian / got.centre);
      const semis = Number.isFinite(targetSemitones)
        ? Math.max(0.1, targetSemitones + (targetSemitones - got.semitones))
        : NaN;
      ({ pitch, range } = pitchAndRange(cal, median, semis));
    }
    const settings: EspeakSettings = { voice, rate, pitch, range };
    if (settingsCache.size >= MAX_CACHED_PROFILES) settingsCache.clear(); // bounded; a miss costs ~60 ms
    settingsCache.set(key, settings);
    return settings;
  }

  function tiltFor(lang: Language, profile: VoiceProfile | null, settings: EspeakSettings): number {
    if (!profile) return 0;
    // Not part of the cached settings: brightness is left out of the cache key, and this is cheap.
    const cal = pitchCalibration(lang, settings.voice);
    return brightnessTilt(cal.brightness, PITCH_GRID, settings.pitch, profile.brightness);
  }

  return { settingsFor, tiltFor };
}

export function variantFor(profile: VoiceProfile): Variant {
  if (profile.gender === 'female') return 'f3';
  if (profile.gender === 'male') return 'm3';
  return profile.medianF0 > FEMALE_ABOVE_HZ ? 'f3' : 'm3';
}

function pitchAndRange(
  cal: PitchCalibration,
  median: number,
  semitones: number,
): { pitch: number; range: number } {
  let range = DEFAULT_RANGE;
  if (Number.isFinite(semitones) && cal.c > 0) {
    // p10 = m/√q, p90 = m·√q for a spread of q = 2^(st/12) around the median.
    const q = Math.sqrt(2 ** (semitones / 12));
    range = clamp(Math.round((median * (q - 1 / q)) / cal.c), 0, MAX_RANGE);
  }
  const logCentres = cal.centreAt.map((m) => Math.log(Math.max(1, m)));
  const pitch = clamp(Math.round(invert(PITCH_GRID, logCentres, Math.log(Math.max(1, median)))), 0, 99);
  return { pitch, range };
}

function rateFor(cal: TempoCalibration, targetRate: number): number {
  if (!(targetRate > 0) || !(cal.syllableRate > 0)) return DEFAULT_RATE;
  const d175 = cal.durations[RATE_GRID.indexOf(DEFAULT_RATE)] ?? 1;
  // Same text, so syllables/s ∝ 1/duration: find the rate whose duration gives the target.
  const wantDuration = (cal.syllableRate * d175) / targetRate;
  // Durations fall with rate; interpolate log-duration against log-rate.
  const logRates = RATE_GRID.map(Math.log);
  const negLogDur = cal.durations.map((d) => -Math.log(d));
  const rate = Math.exp(invert(logRates, negLogDur, -Math.log(wantDuration)));
  return clamp(Math.round(rate), MIN_RATE, MAX_RATE);
}

/**
 * Rounded so profiles that differ only in noise share a cache entry. Brightness is left out: it
 * does not change eSpeak's settings, only the tilt tiltFor works out per request.
 */
function profileKey(p: VoiceProfile): string {
  return [p.gender, Math.round(p.medianF0), p.f0RangeSemitones.toFixed(1), p.syllableRate.toFixed(2)].join(
    '|',
  );
}

/** eSpeak scales its base pitch by a roughly exponential table, so interpolate log f0 over pitch. */
function centreAtPitch(cal: PitchCalibration, pitch: number): number {
  const logCentres = cal.centreAt.map((m) => Math.log(Math.max(1, m)));
  return Math.exp(piecewise(PITCH_GRID, logCentres, pitch));
}
