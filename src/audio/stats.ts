/**
 * Percentile by linear interpolation between closest ranks (the same definition numpy uses by default),
 * so small sets such as per-frame pitch values give stable answers. NaN for an empty set.
 */
export function percentile(values: ArrayLike<number>, p: number): number {
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function median(values: ArrayLike<number>): number {
  return percentile(values, 50);
}
