import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { KUROMOJI_FILES } from '../../engine/kuromoji-shared.js';
import type { AppPaths } from '../../runtime/paths.js';
import { bad, type CheckResult, errCode, ok } from './result.js';

function readable(path: string, kind: 'file' | 'dir'): string | undefined {
  try {
    const st = statSync(path);
    if (kind === 'file' ? !st.isFile() : !st.isDirectory())
      return `${path} is not a ${kind === 'file' ? 'file' : 'directory'}`;
    accessSync(path, constants.R_OK);
    return undefined;
  } catch (err) {
    return `${path}: ${errCode(err)}`;
  }
}

/**
 * The files the engines load (worker bundle, eSpeak data, kuromoji dictionary, sqlite addon,
 * onnxruntime, Silero VAD) and the browser console's page.
 */
export function checkEngines(paths: AppPaths): CheckResult {
  const id = 'engines';
  const name = 'engine files';
  const problems = [
    readable(paths.engineWorker, 'file'),
    readable(paths.espeakData, 'file'),
    readable(paths.kuromojiDict, 'dir') ??
      KUROMOJI_FILES.map((f) => readable(join(paths.kuromojiDict, f), 'file')).find((p) => p !== undefined),
    paths.sqliteAddon ? readable(paths.sqliteAddon, 'file') : undefined,
    readable(paths.onnxRuntime, 'dir'),
    readable(paths.sileroVad, 'file'),
    readable(join(paths.consoleDir, 'index.html'), 'file'),
  ].filter((p): p is string => p !== undefined);
  if (problems.length > 0) {
    return bad(
      id,
      name,
      'fail',
      `missing or unreadable: ${problems.join('; ')}`,
      'reinstall from the release tarball (the executable and its files must stay together)',
    );
  }
  return ok(
    id,
    name,
    `eSpeak data, kuromoji dictionary, onnxruntime, Silero VAD, engine worker and console present in ${paths.appDir}`,
  );
}

/** Runs the engine layer's onnxruntime probe (passed in, so this file and its tests need no onnxruntime). */
export async function checkOnnxRuntime(probe: () => Promise<string>): Promise<CheckResult> {
  try {
    return ok('onnxruntime', 'onnxruntime', await probe());
  } catch (err) {
    return bad(
      'onnxruntime',
      'onnxruntime',
      'fail',
      `cannot run ONNX models: ${(err as Error).message}`,
      'reinstall from the release tarball (native/onnxruntime-node must stay beside the executable)',
    );
  }
}

/** What the synthesis pools will be, or why a configured GPU cannot be used (planned by the caller). */
export function checkDevices(plan: DevicesInput | undefined): CheckResult {
  if (plan === undefined) return bad('devices', 'devices', 'skip', 'skipped: the configuration did not load');
  if ('missing' in plan)
    return bad(
      'devices',
      'devices',
      'fail',
      `${plan.device} cannot run: ${plan.missing.join('; ')}`,
      'install what is listed, or set engine.devices = ["cpu"] (engine.cpu_fallback = true runs on the CPU instead)',
    );
  const parts = plan.map(
    (d) => `${d.device}: ${d.workers} worker(s) × ${d.intraOpThreads} onnxruntime thread(s)`,
  );
  return ok('devices', 'devices', parts.join('; '));
}

/** The device plan, or the configured device that cannot run with its missing pieces. */
export type DevicesInput =
  | ReadonlyArray<{ device: string; workers: number; intraOpThreads: number }>
  | { device: string; missing: string[] };
