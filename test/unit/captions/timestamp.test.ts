import { describe, expect, it } from 'vitest';
import {
  formatMilliseconds,
  formatTimestamp,
  roundToMilliseconds,
  timedUnits,
  toMilliseconds,
} from '../../../src/captions/timestamp.js';

describe('formatTimestamp', () => {
  it.each([
    [0, '00:00:00.000'],
    [1.5, '00:00:01.500'],
    [59.999, '00:00:59.999'],
    [59.9994, '00:00:59.999'],
    [59.9995, '00:01:00.000'],
    [59.9996, '00:01:00.000'],
    [3599.9996, '01:00:00.000'],
    [3661.001, '01:01:01.001'],
    [86399.9999, '24:00:00.000'],
    [360000, '100:00:00.000'],
    [0.0004, '00:00:00.000'],
    [0.0005, '00:00:00.001'],
  ])('%s s -> %s', (seconds, expected) => {
    expect(formatTimestamp(seconds)).toBe(expected);
  });

  it('rounds decimal halves up despite binary floating point (0.5005 * 1000 = 500.4999…)', () => {
    expect(0.5005 * 1000).toBeLessThan(500.5);
    expect(formatTimestamp(0.5005)).toBe('00:00:00.501');
    expect(formatTimestamp(0.5075, ',')).toBe('00:00:00,508');
    expect(toMilliseconds(0.5015)).toBe(502);
  });

  it('uses a comma for SRT', () => {
    expect(formatTimestamp(3723.456, ',')).toBe('01:02:03,456');
  });

  it('clamps negative and non-finite times to zero', () => {
    for (const bad of [-1, -0.0004, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(formatTimestamp(bad)).toBe('00:00:00.000');
    }
  });

  it('never prints 60 in the minutes or seconds field (random sweep)', () => {
    for (let i = 0; i < 20_000; i++) {
      const seconds = Math.random() * 20_000;
      const stamp = formatTimestamp(seconds);
      const m = /^(\d{2,}):(\d{2}):(\d{2})\.(\d{3})$/.exec(stamp);
      expect(m, stamp).not.toBeNull();
      const [, h, mm, ss, ms] = (m ?? []).map(Number);
      expect(mm).toBeLessThan(60);
      expect(ss).toBeLessThan(60);
      expect((h ?? 0) * 3_600_000 + (mm ?? 0) * 60_000 + (ss ?? 0) * 1000 + (ms ?? 0)).toBe(
        toMilliseconds(seconds),
      );
      expect(Math.abs((toMilliseconds(seconds) - seconds * 1000) / 1000)).toBeLessThanOrEqual(0.0005 + 1e-9);
    }
  });
});

describe('millisecond helpers', () => {
  it('toMilliseconds / roundToMilliseconds', () => {
    expect(toMilliseconds(2.675)).toBe(2675);
    expect(toMilliseconds(1.23456)).toBe(1235);
    expect(roundToMilliseconds(1.23456)).toBe(1.235);
    expect(roundToMilliseconds(-3)).toBe(0);
  });

  it('formatMilliseconds pads every field', () => {
    expect(formatMilliseconds(7)).toBe('00:00:00.007');
    expect(formatMilliseconds(61_010, ',')).toBe('00:01:01,010');
  });
});

describe('timedUnits', () => {
  const unit = (start: number, end: number, text: string) => ({ start, end, speaker: 's', text });

  it('sorts by start, keeping script order for equal starts', () => {
    const out = timedUnits([unit(2, 3, 'c'), unit(1, 2, 'a'), unit(1, 1.5, 'b')]);
    expect(out.map((t) => t.unit.text)).toEqual(['a', 'b', 'c']);
  });

  it('guarantees end > start by at least 1 ms, after rounding', () => {
    const out = timedUnits([
      unit(1, 1, 'zero'),
      unit(2, 1, 'backwards'),
      unit(3.0001, 3.0004, 'rounds to same'),
    ]);
    for (const t of out) expect(t.endMs - t.startMs).toBeGreaterThanOrEqual(1);
    expect(out.map((t) => [t.startMs, t.endMs])).toEqual([
      [1000, 1001],
      [2000, 2001],
      [3000, 3001],
    ]);
  });

  it('keeps overlapping cues from different speakers', () => {
    const out = timedUnits([unit(0, 5, 'a'), unit(1, 2, 'b')]);
    expect(out.map((t) => [t.startMs, t.endMs])).toEqual([
      [0, 5000],
      [1000, 2000],
    ]);
  });
});
