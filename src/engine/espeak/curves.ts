/** Small numeric helpers for the calibration curves (a handful of measured points each). */

/** Piecewise-linear y(x) over increasing xs, extrapolated from the end segments. */
export function piecewise(xs: number[], ys: number[], x: number): number {
  const n = xs.length;
  let i = 0;
  while (i < n - 2 && x > (xs[i + 1] ?? 0)) i++;
  const x0 = xs[i] ?? 0;
  const x1 = xs[i + 1] ?? x0;
  const y0 = ys[i] ?? 0;
  const y1 = ys[i + 1] ?? y0;
  return x1 === x0 ? y0 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
}

/** x such that y(x) = y, for a non-decreasing curve; extrapolated from the end segments. */
export function invert(xs: number[], ys: number[], y: number): number {
  return piecewise(ys, xs, y);
}

/** Makes a measured curve non-decreasing (one noisy point must not fold the inversion). */
export function monotone(ys: number[]): number[] {
  const out: number[] = [];
  for (const y of ys) out.push(Math.max(y, out[out.length - 1] ?? -Infinity));
  return out;
}

/** Mean of the finite, positive values (0 if none): unmeasurable points are skipped. */
export function meanOfPositive(xs: number[]): number {
  const ok = xs.filter((x) => Number.isFinite(x) && x > 0);
  return ok.length > 0 ? ok.reduce((a, b) => a + b, 0) / ok.length : 0;
}

export function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
