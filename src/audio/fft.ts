/**
 * In-place iterative radix-2 complex FFT. Small and dependency-free; the analysis code only needs
 * short power-of-two frames, so there is no mixed-radix or real-input specialisation.
 */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if (n !== im.length || (n & (n - 1)) !== 0) {
    throw new RangeError('fft: length must be a power of two and match for both parts');
  }
  // Bit-reversal permutation.
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i]!;
      re[i] = re[j]!;
      re[j] = t;
      t = im[i]!;
      im[i] = im[j]!;
      im[j] = t;
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = (-2 * Math.PI) / size;
    // One twiddle per butterfly column, advanced by rotation to avoid a sin/cos per butterfly.
    const wr = Math.cos(step);
    const wi = Math.sin(step);
    for (let start = 0; start < n; start += size) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < half; k++) {
        const a = start + k;
        const b = a + half;
        const tr = re[b]! * cr - im[b]! * ci;
        const ti = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
        const ncr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = ncr;
      }
    }
  }
}

export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

/** Periodic Hann window; the usual choice for short-time spectra where leakage matters more than resolution. */
export function hannWindow(length: number): Float64Array {
  const w = new Float64Array(length);
  for (let i = 0; i < length; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / length);
  return w;
}

/**
 * Magnitude spectrum (bins 0..n/2) of `frame` after windowing, zero-padded to `size` (a power of two).
 */
export function magnitudeSpectrum(
  frame: ArrayLike<number>,
  window: ArrayLike<number>,
  size: number,
): Float64Array {
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  const n = Math.min(frame.length, window.length, size);
  for (let i = 0; i < n; i++) re[i] = frame[i]! * window[i]!;
  fft(re, im);
  const mag = new Float64Array(size / 2 + 1);
  for (let k = 0; k < mag.length; k++) mag[k] = Math.hypot(re[k]!, im[k]!);
  return mag;
}
