import { existsSync } from 'node:fs';
import { dirname } from 'node:path';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  id: string;
  name: string;
  status: CheckStatus;
  /** One line: what was found. */
  message: string;
  /** One line: what to do; only when the status is not ok. */
  hint?: string;
}

export const GiB = 1024 ** 3;

export function ok(id: string, name: string, message: string): CheckResult {
  return { id, name, status: 'ok', message };
}

export function bad(
  id: string,
  name: string,
  status: CheckStatus,
  message: string,
  hint?: string,
): CheckResult {
  return hint === undefined ? { id, name, status, message } : { id, name, status, message, hint };
}

export function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}

/** Nearest directory on the path that exists (the data dir itself, or the parent it would be made in). */
export function nearestExisting(path: string): string {
  let p = path;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  return p;
}
