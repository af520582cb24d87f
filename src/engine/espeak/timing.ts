import type { TimeRegion } from '../../audio/types.js';
import type { WordTiming } from '../types.js';
import type { EspeakWordEvent } from './module.js';
import { type EspeakInput, type TextUnit, unitAt, unitWeight } from './text.js';

/**
 * Word timings for the caller's units from eSpeak's WORD events.
 *
 * - A unit starts at the first event that falls inside it (eSpeak may emit several per unit, e.g.
 *   for numbers or emoji, and none for words it fuses with a neighbour: Korean often fuses a short
 *   word with the next one).
 * - Units without an event share the stretch between the surrounding anchored starts in proportion
 *   to their letter counts.
 * - A word ends where the next begins, unless a pause lies between them: then it ends where its
 *   sound ends. The last word ends with the last sound.
 */
export function wordTimings(
  units: TextUnit[],
  input: EspeakInput,
  events: EspeakWordEvent[],
  sound: TimeRegion[],
  sampleRate: number,
  duration: number,
): WordTiming[] {
  const n = units.length;
  if (n === 0) return [];
  const starts: (number | undefined)[] = new Array<number | undefined>(n).fill(undefined);
  let lastUnit = -1;
  let lastTime = 0;
  for (const ev of events) {
    const u = unitAt(input, ev.charIndex);
    const t = ev.sample / sampleRate;
    // Keep only events that move forward in both text and time.
    if (u <= lastUnit || t < lastTime) continue;
    starts[u] = t;
    lastUnit = u;
    lastTime = t;
  }

  const soundStart = sound[0]?.start ?? 0;
  const soundEnd = sound[sound.length - 1]?.end ?? duration;
  fillGaps(units, starts, soundStart, soundEnd);
  // The first word's fallback (start of sound) can land after an anchored second word.
  for (let i = n - 2; i >= 0; i--) starts[i] = Math.min(starts[i] ?? 0, starts[i + 1] ?? 0);

  const out: WordTiming[] = [];
  for (let i = 0; i < n; i++) {
    const start = Math.min(starts[i] ?? 0, duration);
    const next = i + 1 < n ? (starts[i + 1] ?? duration) : soundEnd;
    const end = Math.max(start, Math.min(next, soundEndAfter(sound, start, next), duration));
    out.push({ text: units[i]?.source ?? '', start: ms(start), end: ms(end) });
  }
  return out;
}

/** Interpolates missing starts between anchors by unit weight. */
function fillGaps(units: TextUnit[], starts: (number | undefined)[], first: number, last: number): void {
  const n = units.length;
  if (starts[0] === undefined) starts[0] = first;
  let i = 0;
  while (i < n) {
    // Find the next anchored start after i; the stretch [i, j) shares starts[i]..starts[j].
    let j = i + 1;
    while (j < n && starts[j] === undefined) j++;
    if (j > i + 1) {
      const from = starts[i] ?? first;
      const to = j < n ? (starts[j] ?? last) : last;
      let total = 0;
      for (let k = i; k < j; k++) total += unitWeight(units[k] as TextUnit);
      let acc = 0;
      for (let k = i; k < j; k++) {
        starts[k] = from + ((to - from) * acc) / total;
        acc += unitWeight(units[k] as TextUnit);
      }
    }
    i = j;
  }
}

/**
 * End of the sound that the word starting at `start` belongs to, if that sound stops before `next`
 * (a pause follows the word); otherwise `next`.
 */
function soundEndAfter(sound: TimeRegion[], start: number, next: number): number {
  for (const r of sound) {
    if (r.end <= start) continue;
    // The first region still sounding at or after the start; if it begins only after the next word's
    // start, the word has no separate sound of its own and simply runs up to the next word.
    return r.start < next && r.end < next ? r.end : next;
  }
  return next;
}

/** Millisecond precision: finer than any caption needs, and free of float noise like 0.30000000000000004. */
function ms(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
