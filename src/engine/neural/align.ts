import type { WordTiming } from '../types.js';
import type { PhonemeChunk } from './phonemize.js';

/**
 * Word times for one model call. `slotOf[i]` is the model input position that carries symbol i of
 * the chunk (-1 when the model's vocabulary dropped it); `weights[k]` is how long position k lasts,
 * in any unit: the model's own predicted durations when it exports them (Kokoro's timestamped
 * graphs), else 1 for every position. Positions are laid end to end over the audio, so time is
 * shared in proportion to the weights — for VITS voices, whose audio length is a sum of per-id
 * durations, equal weights put each word where its ids are to within the spread of phone lengths.
 */
export function alignWords(
  chunk: PhonemeChunk,
  slotOf: Int32Array,
  weights: ArrayLike<number>,
  durationSeconds: number,
): WordTiming[] {
  const cum = new Float64Array(weights.length + 1);
  for (let k = 0; k < weights.length; k++) cum[k + 1] = cum[k]! + Math.max(0, weights[k]!);
  const total = cum[weights.length]!;
  const at = (k: number) => (total > 0 ? (cum[Math.min(k, weights.length)]! / total) * durationSeconds : 0);

  let lastEnd = 0;
  return chunk.words.map((w) => {
    let first = -1;
    let last = -1;
    for (let i = w.from; i < w.to; i++) {
      const slot = slotOf[i] ?? -1;
      if (slot < 0) continue;
      if (first < 0) first = slot;
      last = slot;
    }
    if (first < 0) return { text: w.text, start: lastEnd, end: lastEnd };
    const start = at(first);
    lastEnd = at(last + 1);
    return { text: w.text, start, end: lastEnd };
  });
}
