/**
 * What an uploaded recording may be, whatever its size in bytes: an 8-bit 1 kHz WAV or an 8 kbit/s
 * MP3 holds about a millisecond of audio per byte, so a small upload can decode to hours. The limit is
 * checked on the headers first (probe.ts) and enforced again while decoding (decode.ts).
 */
export interface DecodeLimits {
  /** Longest recording accepted, in seconds of decoded audio. */
  maxSeconds: number;
}

/** The default of `[limits] max_reference_seconds`; tests and tools decode under it too. */
export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxSeconds: 300 };

/**
 * Below telephone quality there is no voice left to measure: the profile's brightness and Silero's
 * speech detection need the band up to 4 kHz.
 */
export const MIN_SAMPLE_RATE = 8000;

export type LimitBreach =
  | {
      limit: 'max_seconds';
      maxSeconds: number;
      /** What was found; with `atLeast`, decoding stopped there and the recording is longer still. */
      seconds: number;
      atLeast: boolean;
    }
  | { limit: 'min_sample_rate'; minSampleRate: number; sampleRate: number };

/** The recording decodes, but is outside what a reference may be. `message` is safe to show users. */
export class AudioLimitError extends Error {
  constructor(readonly breach: LimitBreach) {
    super(describeBreach(breach));
    this.name = 'AudioLimitError';
  }
}

export function checkSampleRate(sampleRate: number): void {
  if (sampleRate < MIN_SAMPLE_RATE)
    throw new AudioLimitError({ limit: 'min_sample_rate', minSampleRate: MIN_SAMPLE_RATE, sampleRate });
}

/** Throws when `frames` at `sampleRate` are more than the limit allows. */
export function checkDuration(
  frames: number,
  sampleRate: number,
  limits: DecodeLimits,
  atLeast = false,
): void {
  if (frames > maxFrames(sampleRate, limits)) {
    const seconds = Math.round((frames / sampleRate) * 100) / 100;
    throw new AudioLimitError({ limit: 'max_seconds', maxSeconds: limits.maxSeconds, seconds, atLeast });
  }
}

export function maxFrames(sampleRate: number, limits: DecodeLimits): number {
  return Math.ceil(limits.maxSeconds * sampleRate);
}

export function describeBreach(b: LimitBreach): string {
  if (b.limit === 'min_sample_rate')
    return `The recording is sampled at ${b.sampleRate} Hz; at least ${b.minSampleRate} Hz is needed.`;
  if (b.atLeast)
    return `The recording is longer than ${b.maxSeconds} s, the most accepted (at least ${b.seconds} s).`;
  return `The recording is ${b.seconds} s long; at most ${b.maxSeconds} s is accepted.`;
}
