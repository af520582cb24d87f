/** Rounded to hundredths, for figures shown in API responses (seconds, speeds, blend weights). */
export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
