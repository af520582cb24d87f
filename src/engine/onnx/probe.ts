import type { AppPaths } from '../../runtime/paths.js';
import { SileroVad } from '../silero/vad.js';
import { loadOnnxRuntime } from './runtime.js';

/**
 * Loads onnxruntime and runs the Silero VAD model on a second of silence: proves the native addon,
 * its shared library and the CPU execution provider work on this machine. Returns what ran.
 */
export async function probeOnnxRuntime(paths: AppPaths): Promise<string> {
  const ort = loadOnnxRuntime(paths.onnxRuntime);
  const vad = await SileroVad.load(ort, paths.sileroVad);
  try {
    await vad.detect({ samples: new Float32Array(16000), sampleRate: 16000 });
  } finally {
    await vad.release();
  }
  const version = (ort as { env?: { versions?: { common?: string } } }).env?.versions?.common ?? 'unknown';
  return `onnxruntime ${version} (cpu) loaded from ${paths.onnxRuntime}; Silero VAD runs`;
}
