import type { CaptionUnit } from './types.js';

/**
 * Seconds to whole milliseconds, rounding half up in decimal terms. Plain
 * Math.round(s * 1000) gets 0.5005 wrong because 0.5005 * 1000 is 500.49999999999994 in
 * binary floating point; rounding to 6 decimals first removes that representation noise.
 * Negative and non-finite inputs become 0: caption times are offsets into a file.
 */
export function toMilliseconds(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0) return 0;
  return Math.round(Number((seconds * 1000).toFixed(6)));
}

/** Seconds rounded to the millisecond, the precision of every caption format we write. */
export function roundToMilliseconds(seconds: number): number {
  return toMilliseconds(seconds) / 1000;
}

/**
 * HH:MM:SS.mmm (WebVTT) or HH:MM:SS,mmm (SRT). Rounding happens once, on the total, so
 * 59.9996 s becomes 00:01:00.000 and never 00:00:60.000. Hours grow past two digits if needed.
 */
export function formatTimestamp(seconds: number, fractionSeparator: '.' | ',' = '.'): string {
  return formatMilliseconds(toMilliseconds(seconds), fractionSeparator);
}

export function formatMilliseconds(totalMs: number, fractionSeparator: '.' | ',' = '.'): string {
  const ms = Math.max(0, Math.round(totalMs));
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor(ms / 60_000) % 60;
  const secs = Math.floor(ms / 1000) % 60;
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(secs, 2)}${fractionSeparator}${pad(ms % 1000, 3)}`;
}

export interface TimedUnit {
  unit: CaptionUnit;
  startMs: number;
  endMs: number;
}

/**
 * Millisecond timings every output format shares: sorted by start (stable, so simultaneous
 * lines keep script order) because WebVTT requires non-decreasing cue starts, and at least
 * 1 ms long because a cue that ends when it starts is invalid. Overlaps between speakers are
 * kept: people do talk over each other, and both formats allow overlapping cues.
 */
export function timedUnits(units: readonly CaptionUnit[]): TimedUnit[] {
  return units
    .map((unit, index) => ({
      unit,
      index,
      startMs: toMilliseconds(unit.start),
      endMs: toMilliseconds(unit.end),
    }))
    .sort((a, b) => a.startMs - b.startMs || a.index - b.index)
    .map(({ unit, startMs, endMs }) => ({ unit, startMs, endMs: Math.max(endMs, startMs + 1) }));
}
