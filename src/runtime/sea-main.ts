import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getAsset } from 'node:sea';
import { ensureRuntime, runtimeBaseDir, type RuntimeManifest } from './extract.js';

/**
 * Entry point of the single executable (scripts/build-binary.mjs). Node lets this script require
 * built-ins only, and starts worker threads from files, so it lays the embedded bundles out on disk
 * (src/runtime/extract.ts) and loads the app from there with an ordinary require. The eSpeak data,
 * the dictionary and native addons ship beside the executable (assets/, native/).
 */
function launch(): void {
  const manifest = JSON.parse(getAsset('runtime.json', 'utf8')) as RuntimeManifest;
  const dir = ensureRuntime(runtimeBaseDir(), manifest, (name) => Buffer.from(getAsset(name)));
  process.env.VR_APP_DIR ??= dirname(process.execPath);
  const entry = join(dir, 'voicereel.cjs');
  createRequire(entry)(entry);
}

try {
  launch();
} catch (err) {
  console.error(`voicereel: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
