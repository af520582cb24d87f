import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the app finds its own files at run time. The build bundles the code into build/ and copies
 * the eSpeak data, the kuromoji dictionary and native addons beside it (build/assets, build/native),
 * so the bundled app never asks node_modules for anything; a single executable extracts the same
 * layout. Running from source (unit tests) falls back to the installed packages.
 */
export interface AppPaths {
  /** Directory holding the bundled entry points (voicereel.cjs, engine-worker.cjs). */
  appDir: string;
  engineWorker: string;
  espeakData: string;
  kuromojiDict: string;
  /** better-sqlite3's compiled addon; undefined lets the package find its own (source mode). */
  sqliteAddon: string | undefined;
}

// The bundle replaces import.meta.url with its own file URL (see scripts/build.mjs).
const here = dirname(fileURLToPath(import.meta.url));

export function resolveAppPaths(env: NodeJS.ProcessEnv = process.env): AppPaths {
  const appDir = env.VR_APP_DIR ?? here;
  const bundled = existsSync(join(appDir, 'assets', 'espeak-ng.data'));
  if (bundled) {
    return {
      appDir,
      engineWorker: join(appDir, 'engine-worker.cjs'),
      espeakData: join(appDir, 'assets', 'espeak-ng.data'),
      kuromojiDict: join(appDir, 'assets', 'kuromoji-dict'),
      sqliteAddon: join(appDir, 'native', 'better_sqlite3.node'),
    };
  }
  const req = createRequire(import.meta.url);
  const espeakJs = req.resolve('@echogarden/espeak-ng-emscripten');
  const kuromojiMain = req.resolve('kuromoji');
  return {
    appDir,
    engineWorker: join(appDir, '..', '..', 'build', 'engine-worker.cjs'),
    espeakData: join(dirname(espeakJs), 'espeak-ng.data'),
    kuromojiDict: join(dirname(kuromojiMain), '..', 'dict'),
    sqliteAddon: undefined,
  };
}
