import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A directory of this run, for what test files share (./release.ts); removed when the run ends. */
    runDir: string;
  }
}

/** Integration tests run the real bundled server, so build it once before any test file runs. */
export default function setup(project: TestProject): () => void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  const runDir = mkdtempSync(join(tmpdir(), 'vr-run-'));
  project.provide('runDir', runDir);
  return () => rmSync(runDir, { recursive: true, force: true });
}
