import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';

const VERSION = (JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { version: string }).version;
/** The release's name, and so its tarball's: `<name>.tar.gz` beside `<name>.tar.gz.sha256`. */
export const RELEASE_NAME = `voicereel-${VERSION}-${process.platform}-${process.arch}`;

/**
 * The folder holding this run's release tarball (scripts/build-binary.mjs over build/, as `npm run
 * build:binary` makes it). It is built once per run, however many test files need it: the build
 * copies and injects a whole Node binary and compresses it, the better part of half a minute on two
 * cores. The first file to ask builds it; another asking meanwhile (test files run in parallel) waits
 * for that build instead of starting its own. Callers only read the folder.
 */
export async function releaseDir(timeoutMs = 240_000): Promise<string> {
  const dir = join(inject('runDir'), 'release');
  const done = join(dir, '.built');
  const failed = join(dir, '.failed');
  let mine = true;
  try {
    // mkdir is atomic: exactly one caller in the run creates it, and that one builds.
    mkdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    mine = false;
  }
  if (mine) {
    try {
      await promisify(execFile)(process.execPath, ['scripts/build-binary.mjs', '--out', dir], {
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (err) {
      writeFileSync(failed, String((err as { stderr?: string }).stderr || err));
      throw err;
    }
    writeFileSync(done, '');
    return dir;
  }
  const until = Date.now() + timeoutMs;
  while (!existsSync(done)) {
    if (existsSync(failed)) throw new Error(`the release build failed:\n${readFileSync(failed, 'utf8')}`);
    if (Date.now() > until) throw new Error('the release build of another test file did not finish in time');
    await new Promise((r) => setTimeout(r, 250));
  }
  return dir;
}
