import { AudioLimitError, describeBreach, type DecodeLimits, type LimitBreach } from '../audio/limits.js';
import { checkDeclaredLength } from '../audio/probe.js';
import { type ApiError, errors } from '../errors.js';

/**
 * The header check, on the main thread before the upload queues for an analysis worker: it reads
 * chunk and frame headers only (bounded by the limit, not by the file), so a recording the headers
 * already show is too long is answered at once.
 */
export function refuseOutOfLimits(audio: Uint8Array, limits: DecodeLimits): void {
  try {
    checkDeclaredLength(audio, limits);
  } catch (err) {
    if (err instanceof AudioLimitError) throw limitError(err.breach);
    throw err;
  }
}

/**
 * 400 INVALID_INPUT, not 413 (that is the body size, answered before the body is read) nor 415 (this
 * audio decodes): the recording is a valid file outside what a reference may be, like a bad field.
 * `details` names the limit and what was found.
 */
export function limitError(b: LimitBreach): ApiError {
  const details =
    b.limit === 'min_sample_rate'
      ? { limit: 'min_sample_rate', min_sample_rate: b.minSampleRate, sample_rate: b.sampleRate }
      : {
          limit: 'max_reference_seconds',
          max_seconds: b.maxSeconds,
          duration_seconds: b.seconds,
          // Decoding stopped at the limit: the recording is at least this long.
          duration_at_least: b.atLeast,
        };
  return errors.invalidInput(describeBreach(b), { field: 'reference_audio', ...details });
}
