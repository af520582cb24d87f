import type { TimeRegion } from './types.js';

/** Joins regions separated by less than `minGap` seconds. Input must be sorted by start. */
export function mergeCloseRegions(regions: TimeRegion[], minGap: number): TimeRegion[] {
  const out: TimeRegion[] = [];
  for (const r of regions) {
    const last = out[out.length - 1];
    if (last && r.start - last.end < minGap) last.end = Math.max(last.end, r.end);
    else out.push({ start: r.start, end: r.end });
  }
  return out;
}

export function dropShortRegions(regions: TimeRegion[], minDuration: number): TimeRegion[] {
  return regions.filter((r) => r.end - r.start >= minDuration);
}

export function totalDuration(regions: TimeRegion[]): number {
  return regions.reduce((sum, r) => sum + (r.end - r.start), 0);
}

/** Whether time `t` falls inside any region (regions sorted, non-overlapping). */
export function makeRegionTest(regions: TimeRegion[]): (t: number) => boolean {
  // Callers ask in increasing time order almost always; a moving cursor keeps that linear.
  let cursor = 0;
  return (t: number): boolean => {
    const previous = regions[cursor - 1];
    if (previous && t < previous.end) cursor = 0; // asked about an earlier time: rescan
    while (cursor < regions.length && regions[cursor]!.end <= t) cursor++;
    const r = regions[cursor];
    return r !== undefined && t >= r.start && t < r.end;
  };
}
