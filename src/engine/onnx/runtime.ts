import { createRequire } from 'node:module';

/**
 * onnxruntime-node, loaded by absolute path. Its addon finds libonnxruntime.so relative to its own
 * file, so the build lays the package out whole under native/ (scripts/build.mjs) and the bundle
 * requires that directory; from source, the installed package. This file and src/engine/* are the
 * only places that touch onnxruntime.
 */
export type OnnxRuntime = typeof import('onnxruntime-node');

const loaded = new Map<string, OnnxRuntime>();

export function loadOnnxRuntime(packageDir: string): OnnxRuntime {
  let ort = loaded.get(packageDir);
  if (!ort) {
    ort = createRequire(import.meta.url)(packageDir) as OnnxRuntime;
    loaded.set(packageDir, ort);
  }
  return ort;
}
