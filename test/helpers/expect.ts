import { existsSync, readdirSync } from 'node:fs';
import { expect } from 'vitest';

/** The SPEC's one error shape: `{ error: { code, message }, request_id }`. */
export function expectErrorShape(body: unknown, code: string): void {
  const b = body as { error: { code: string; message: string }; request_id: string };
  expect(b.error.code).toBe(code);
  expect(typeof b.error.message).toBe('string');
  expect(b.error.message.length).toBeGreaterThan(0);
  expect(b.request_id).toMatch(/^req_/);
}

/** A directory's entries, or none when it does not exist (yet). */
export const listDir = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);
