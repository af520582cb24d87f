/** Mono PCM in [-1, 1]. Every audio function works on mono; decoders downmix. */
export interface PcmAudio {
  samples: Float32Array;
  sampleRate: number;
}

/** A span of the signal, in seconds from the start. */
export interface TimeRegion {
  start: number;
  end: number;
}

/** What a reference recording says about the voice; stored with the speaker and used by the engine. */
export interface VoiceProfile {
  /** Median fundamental frequency over voiced frames, Hz. */
  medianF0: number;
  /** Spread of f0 between the 10th and 90th percentile, in semitones. */
  f0RangeSemitones: number;
  /**
   * Syllables (morae for Japanese) per second of speech. From the transcript when there is one
   * (registration); analyzeVoice alone gives an acoustic estimate of syllable nuclei.
   */
  syllableRate: number;
  /** Mean spectral centroid of speech frames, Hz. */
  brightness: number;
  /** Cue from f0 only; 'unknown' when too few voiced frames. */
  gender: 'female' | 'male' | 'unknown';
}

export type AudioFormat = 'wav' | 'mp3';
export const OUTPUT_SAMPLE_RATES = [8000, 16000, 22050, 24000, 44100, 48000] as const;
export type OutputSampleRate = (typeof OUTPUT_SAMPLE_RATES)[number];
