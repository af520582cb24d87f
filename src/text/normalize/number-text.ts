// Numbers as written in running text, shared by the language rules: "1,234,567.89", "3.14", "42".
// Readings are built from the digit strings (never through floating point), so long amounts and
// decimals keep every digit.

/** A written number: grouped thousands (exact groups of three) or plain digits, optional fraction. */
export const NUMBER = String.raw`(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?`;

/** Integer and fraction digits of a number matched by NUMBER. */
export interface Decimal {
  int: string;
  /** Digits after the point, '' for a whole number. */
  frac: string;
}

export function parseDecimal(raw: string): Decimal {
  const [int = '0', frac = ''] = raw.replace(/,/g, '').split('.');
  return { int: int === '' ? '0' : int, frac };
}

/** The integer value of plain digits, for comparisons and table look-ups (small numbers only). */
export function toInt(digits: string): number {
  return Number.parseInt(digits, 10);
}

/** Digits without leading zeros; callers that read "007" as a code check hasLeadingZero first. */
export function stripZeros(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '');
}

/** Codes, phone numbers and "007" are read digit by digit: a leading zero on several digits. */
export function hasLeadingZero(digits: string): boolean {
  return digits.length > 1 && digits.startsWith('0');
}

/**
 * value × 10^exponent as a decimal (1.2 × 10^6 → 1200000), for "$1.2M" and "3.5만": moves the
 * point right by `exponent` places and drops the zeros that no longer matter.
 */
export function shiftDecimal(value: Decimal, exponent: number): Decimal {
  const frac = value.frac.padEnd(exponent, '0');
  const int = stripZeros(value.int + frac.slice(0, exponent));
  return { int, frac: frac.slice(exponent).replace(/0+$/, '') };
}

/**
 * Month and day of "a/b": fractions such as 1/2, 2/3 or 3/4 are far more common than dates in
 * the first days of January to April, so a/b is a fraction when a < b ≤ 9, or when it cannot be
 * a date; otherwise (12/1, 6/10, 3/2) it is month/day (the US and East Asian order).
 */
export function slashIsDate(a: number, b: number): boolean {
  if (a < 1 || a > 12 || b < 1 || b > 31) return false;
  return !(a < b && b <= 9);
}

/** Where a number may start: not inside another one (after a digit, or a digit and , or .). */
export const NUMBER_START = String.raw`(?<!\d[.,]?)`;
