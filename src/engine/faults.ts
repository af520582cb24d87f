import { existsSync, writeFileSync } from 'node:fs';

/**
 * Test-only fault injection: with VR_TEST_CRASH_WORKER_ONCE=<file>, the first synthesis task any
 * worker receives ends its thread (as a native abort or an out-of-memory would), and the file is
 * written so it happens once. This is how the suite proves a dead worker is replaced and its task
 * retried; nothing else can kill a worker thread on demand. Unset in production.
 */
export function maybeCrashForTest(kind: string, env: NodeJS.ProcessEnv = process.env): void {
  const marker = env.VR_TEST_CRASH_WORKER_ONCE;
  if (!marker || kind !== 'renderLine' || existsSync(marker)) return;
  writeFileSync(marker, `crashed at ${new Date().toISOString()}\n`);
  process.exit(70); // in a worker thread this ends the thread only
}
