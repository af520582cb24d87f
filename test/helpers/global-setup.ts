import { execFileSync } from 'node:child_process';

/** Integration tests run the real bundled server, so build it once before any test file runs. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
