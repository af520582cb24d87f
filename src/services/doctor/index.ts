import type { Config } from '../../config/schema.js';
import type { AppPaths } from '../../runtime/paths.js';
import { checkConfig } from './config.js';
import { checkDatabase } from './database.js';
import { checkDataDir, checkMasterKey } from './data-dir.js';
import { checkDisk, type DiskThresholds } from './disk.js';
import { checkDevices, checkEngines, type DevicesInput } from './engine.js';
import { checkModels } from './packs.js';
import { bad, type CheckResult, type CheckStatus } from './result.js';

/**
 * `voicereel doctor`: each check looks at one thing an installation needs and says, in one line, what
 * it found and what to do about it. Checks only read: nothing is created, chmodded or migrated
 * (but for the S3 bucket's probe object, written and deleted again).
 * Every probe takes its paths (and the disk probe its `statfs`) as arguments, so tests point them at
 * temporary directories. One file per thing checked; this one runs them in order and prints them.
 */

// The onnxruntime check is async and run by the caller (it loads onnxruntime), then passed in.
export { checkOnnxRuntime, type DevicesInput } from './engine.js';
export { checkPostgres } from './postgres.js';
export { checkObjectStorage } from './storage.js';
export type { CheckResult, CheckStatus } from './result.js';

export interface DoctorInput {
  configFile: string | undefined;
  loaded: Config | Error;
  /** Where the data lives; undefined when the configuration did not load and no flag named it. */
  dataDir: string | undefined;
  paths: AppPaths;
  /** The PostgreSQL check (async, run by the caller) when `[database] url` names one. */
  database?: CheckResult;
  /** The onnxruntime check (async, run by the caller, which loads onnxruntime). */
  onnxRuntime?: CheckResult;
  /** The bucket check (async, run by the caller), when the storage backend is S3. */
  objectStorage?: CheckResult;
  /** The synthesis devices as the server would plan them (engine/devices.ts), or why it cannot. */
  devices?: DevicesInput;
  disk?: DiskThresholds;
  statfs?: (path: string) => { bavail: number; bsize: number };
}

export function runDoctor(input: DoctorInput): CheckResult[] {
  const config = input.loaded instanceof Error ? undefined : input.loaded;
  const results: CheckResult[] = [checkConfig(input.configFile, input.loaded)];
  const { dataDir } = input;
  if (dataDir === undefined) {
    const skip = (id: string, name: string) =>
      bad(
        id,
        name,
        'skip',
        'skipped: the data directory is unknown',
        'fix the configuration, or pass --data-dir',
      );
    results.push(
      skip('data_dir', 'data directory'),
      skip('master_key', 'master key'),
      skip('disk', 'free disk space'),
      skip('database', 'database'),
    );
  } else {
    results.push(
      checkDataDir(dataDir),
      checkMasterKey(dataDir),
      checkDisk(dataDir, input.disk, input.statfs),
      input.database ?? checkDatabase(dataDir, input.paths.sqliteAddon),
    );
  }
  if (input.objectStorage) results.push(input.objectStorage);
  results.push(
    checkEngines(input.paths),
    checkModels(config),
    ...(input.onnxRuntime ? [input.onnxRuntime] : []),
    checkDevices(input.devices),
  );
  return results;
}

/** Anything failed, or was skipped because something earlier failed. Warnings alone pass. */
export function doctorPassed(results: CheckResult[]): boolean {
  return results.every((r) => r.status === 'ok' || r.status === 'warn');
}

const MARK: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗', skip: '-' };

export function formatDoctor(results: CheckResult[]): string {
  const lines = results.map((r) => {
    const head = `${MARK[r.status]} ${r.name}: ${r.message}`;
    return r.hint ? `${head}\n    → ${r.hint}` : head;
  });
  const failed = results.filter((r) => r.status === 'fail').length;
  const warned = results.filter((r) => r.status === 'warn').length;
  const summary = doctorPassed(results)
    ? warned > 0
      ? `ok, with ${warned} warning(s)`
      : 'all checks passed'
    : `${failed} check(s) failed${warned > 0 ? `, ${warned} warning(s)` : ''}`;
  return `${lines.join('\n')}\n\n${summary}\n`;
}
