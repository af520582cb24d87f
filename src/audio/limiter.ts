import { dbToGain } from './dsp.js';
import type { PcmAudio } from './types.js';

const LOOKAHEAD_SECONDS = 0.005;
const RELEASE_SECONDS = 0.08;

/**
 * Look-ahead peak limiter: keeps every sample at or below `ceilingDb` dBFS while touching only the
 * neighbourhood of the peaks, which sounds far better than turning the whole clip down for one plosive.
 *
 * The gain curve is the sliding minimum of the per-sample required gain over the look-ahead window,
 * given an exponential release, then averaged over the same window. Every averaged value is built
 * only from minima whose windows contain the sample, so the result never exceeds what that sample
 * needs: no overshoot, and the attack is a smooth ramp instead of a step.
 *
 * Runs as one streaming pass with window-sized ring buffers, so limiting an hour-long program costs
 * no memory beyond the output (none with `inPlace`, which overwrites the input).
 */
export function limitPeaks(audio: PcmAudio, ceilingDb: number, opts: { inPlace?: boolean } = {}): PcmAudio {
  const x = audio.samples;
  const n = x.length;
  const ceiling = dbToGain(ceilingDb);
  let over = false;
  for (let i = 0; i < n && !over; i++) over = Math.abs(x[i]!) > ceiling;
  if (!over) return { samples: opts.inPlace ? x : x.slice(), sampleRate: audio.sampleRate };

  const w = Math.max(1, Math.round(LOOKAHEAD_SECONDS * audio.sampleRate));
  // Monotonic deque (values increasing from head to tail) of the required gains in the look-ahead
  // window [j, j + w - 1]; its head is the window minimum. A power-of-two ring, indexed by counters.
  let cap = 1;
  while (cap < w + 1) cap <<= 1;
  const mask = cap - 1;
  const dequeIndex = new Int32Array(cap);
  const dequeValue = new Float64Array(cap);
  let head = 0;
  let tail = 0;

  // Trailing moving average of the released envelope over the last w values. Before the first
  // sample the window is padded with the first envelope value, which is at most what any of the
  // first w samples needs, so the guarantee holds at the very start too.
  const recent = new Float64Array(w);
  const release = Math.exp(-1 / (RELEASE_SECONDS * audio.sampleRate));
  // In place is safe: sample j is written only after its last read (its output, w - 1 steps after it entered).
  const out = opts.inPlace ? x : new Float32Array(n);
  let env = 1;
  let sum = 0;
  for (let k = 0; k < n + w - 1; k++) {
    // Sample k enters the look-ahead window (samples past the end need no reduction).
    const a = k < n ? Math.abs(x[k]!) : 0;
    const v = a > ceiling ? ceiling / a : 1;
    while (tail > head && dequeValue[(tail - 1) & mask]! >= v) tail--;
    dequeIndex[tail & mask] = k;
    dequeValue[tail & mask] = v;
    tail++;

    const j = k - (w - 1); // the sample whose window is now complete
    if (j < 0) continue;
    while (dequeIndex[head & mask]! < j) head++;
    env = Math.min(dequeValue[head & mask]!, 1 - (1 - env) * release);
    const slot = j % w;
    if (j === 0) {
      recent.fill(env);
      sum = env * w;
    } else {
      sum += env - recent[slot]!;
    }
    recent[slot] = env;
    const y = x[j]! * (sum / w);
    // Guard against rounding: the construction already guarantees |y| <= ceiling up to float error.
    out[j] = y > ceiling ? ceiling : y < -ceiling ? -ceiling : y;
  }
  return { samples: out, sampleRate: audio.sampleRate };
}
