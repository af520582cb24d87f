/** Time behind an interface so tests can move it (signature windows, expiry, monthly periods). */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** `YYYY-MM` of a Unix-ms instant, in UTC. */
export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** Milliseconds until the first instant of the next UTC month. */
export function msUntilNextMonth(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - ms;
}
