/** Normalised second-order section (a0 = 1). */
export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/**
 * Runs one section over the signal. Transposed direct form II with double-precision state: the
 * K-weighting high-pass sits at 38 Hz, where single-precision state would add audible noise at 48 kHz.
 */
export function biquadFilter(input: Float32Array, c: Biquad): Float32Array {
  const out = new Float32Array(input.length);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < input.length; i++) {
    const x = input[i]!;
    const y = c.b0 * x + s1;
    s1 = c.b1 * x - c.a1 * y + s2;
    s2 = c.b2 * x - c.a2 * y;
    out[i] = y;
  }
  return out;
}

export function cascade(input: Float32Array, sections: Biquad[]): Float32Array {
  let y = input;
  for (const s of sections) y = biquadFilter(y, s);
  return y;
}

// RBJ "Audio EQ cookbook" designs; bilinear transform with frequency pre-warping, so the corner
// lands where asked at any sample rate.

export function lowPass(sampleRate: number, f0: number, q = Math.SQRT1_2): Biquad {
  const w = (2 * Math.PI * Math.min(f0, sampleRate * 0.499)) / sampleRate;
  const alpha = Math.sin(w) / (2 * q);
  const cos = Math.cos(w);
  const a0 = 1 + alpha;
  return {
    b0: (1 - cos) / 2 / a0,
    b1: (1 - cos) / a0,
    b2: (1 - cos) / 2 / a0,
    a1: (-2 * cos) / a0,
    a2: (1 - alpha) / a0,
  };
}

export function highPass(sampleRate: number, f0: number, q = Math.SQRT1_2): Biquad {
  const w = (2 * Math.PI * Math.min(f0, sampleRate * 0.499)) / sampleRate;
  const alpha = Math.sin(w) / (2 * q);
  const cos = Math.cos(w);
  const a0 = 1 + alpha;
  return {
    b0: (1 + cos) / 2 / a0,
    b1: -(1 + cos) / a0,
    b2: (1 + cos) / 2 / a0,
    a1: (-2 * cos) / a0,
    a2: (1 - alpha) / a0,
  };
}

/**
 * RBJ shelving filters, shelf slope S = 1 (the steepest without a bump in the response). Gain is
 * `gainDb` beyond the corner and 0 dB on the other side; at `f0` itself the gain is `gainDb / 2`.
 * One section: minimum phase, a group delay of well under a millisecond at speech frequencies.
 */
export function highShelf(sampleRate: number, f0: number, gainDb: number): Biquad {
  return shelf(sampleRate, f0, gainDb, 1);
}

export function lowShelf(sampleRate: number, f0: number, gainDb: number): Biquad {
  return shelf(sampleRate, f0, gainDb, -1);
}

/** The cookbook's two shelves differ only in the sign of the cos terms (`side`: +1 high, −1 low). */
function shelf(sampleRate: number, f0: number, gainDb: number, side: 1 | -1): Biquad {
  const A = Math.pow(10, gainDb / 40);
  const w = (2 * Math.PI * Math.min(f0, sampleRate * 0.499)) / sampleRate;
  const cos = side * Math.cos(w);
  const twoSqrtAAlpha = Math.sqrt(A) * Math.sin(w) * Math.SQRT2; // 2·√A·α with α = sin(w)/2·√2 at S = 1
  const a0 = A + 1 - (A - 1) * cos + twoSqrtAAlpha;
  return {
    b0: (A * (A + 1 + (A - 1) * cos + twoSqrtAAlpha)) / a0,
    b1: (-2 * side * A * (A - 1 + (A + 1) * cos)) / a0,
    b2: (A * (A + 1 + (A - 1) * cos - twoSqrtAAlpha)) / a0,
    a1: (2 * side * (A - 1 - (A + 1) * cos)) / a0,
    a2: (A + 1 - (A - 1) * cos - twoSqrtAAlpha) / a0,
  };
}
