/**
 * Mean-square energy of equally spaced frames. Frame i covers samples [i * hop, i * hop + length);
 * only whole frames are returned, except that a signal shorter than one frame yields a single frame
 * over what there is. Sums each frame directly (frames overlap by a small factor) rather than keeping
 * a prefix-sum array, so memory stays proportional to the number of frames for hour-long input.
 */
export function frameEnergies(samples: Float32Array, length: number, hop: number): Float64Array {
  const n = samples.length;
  if (n === 0) return new Float64Array(0);
  if (n < length) return Float64Array.of(sumOfSquares(samples, 0, n) / n);
  const count = Math.floor((n - length) / hop) + 1;
  const out = new Float64Array(count);
  for (let f = 0; f < count; f++) out[f] = sumOfSquares(samples, f * hop, f * hop + length) / length;
  return out;
}

export function sumOfSquares(x: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return s;
}

export function powerToDb(meanSquare: number): number {
  return meanSquare > 0 ? 10 * Math.log10(meanSquare) : -Infinity;
}
