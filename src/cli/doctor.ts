import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { Argv, CommandModule } from 'yargs';
import { loadConfig } from '../config/loader.js';
import type { Config } from '../config/schema.js';
import { resolveAppPaths } from '../runtime/paths.js';
import { DeviceError, planDevices } from '../engine/devices.js';
import { probeOnnxRuntime } from '../engine/onnx/probe.js';
import {
  checkObjectStorage,
  checkOnnxRuntime,
  checkPostgres,
  type DevicesInput,
  doctorPassed,
  formatDoctor,
  runDoctor,
} from '../services/doctor/index.js';
import { type ConfigArgs, withConfigOptions } from './options.js';

type DoctorArgs = ConfigArgs & { json: boolean };

/**
 * Checks an installation without changing it: configuration, data directory and its permissions,
 * the master key, free disk, database integrity and pending migrations, the S3 bucket when one is
 * configured (a probe object is written, read and deleted), engine files, workers.
 * A bad configuration is one failed check, not the end: the rest run against whatever data
 * directory can still be made out. Exits 1 when a check failed; warnings alone exit 0.
 */
export const doctorCommand: CommandModule<object, DoctorArgs> = {
  command: 'doctor',
  describe: 'Check configuration, permissions, disk, database and engine files; non-zero exit on problems',
  builder: (y) =>
    withConfigOptions(y).option('json', {
      type: 'boolean',
      default: false,
      describe: 'print the checks as JSON',
    }) as Argv<DoctorArgs>,
  handler: async (args) => {
    let loaded: Config | Error;
    try {
      loaded = loadConfig(args.config, process.env, {
        host: args.host,
        port: args.port,
        dataDir: args['data-dir'],
      });
    } catch (err) {
      // ConfigError names the key; anything else (say a bad path) is reported the same way.
      loaded = err as Error;
    }
    const dataDir =
      loaded instanceof Error ? fallbackDataDir(args.config, args['data-dir']) : loaded.storage.data_dir;
    const paths = resolveAppPaths();
    const onnxRuntime = await checkOnnxRuntime(() => probeOnnxRuntime(paths));
    const pgConfig = loaded instanceof Error ? undefined : loaded.database;
    const database = pgConfig?.url ? await checkPostgres(pgConfig) : undefined;
    const results = runDoctor({
      configFile: args.config,
      loaded,
      dataDir,
      paths,
      onnxRuntime,
      database,
      objectStorage: loaded instanceof Error ? undefined : await checkObjectStorage(loaded.storage),
      devices: loaded instanceof Error ? undefined : planOrError(loaded, paths.onnxRuntime),
    });
    const passed = doctorPassed(results);
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ ok: passed, checks: results }, null, 2)}\n`);
    } else {
      process.stdout.write(formatDoctor(results));
    }
    process.exitCode = passed ? 0 : 1;
  },
};

function planOrError(config: Config, onnxRuntimeDir: string): DevicesInput {
  try {
    return planDevices(config.engine, onnxRuntimeDir, availableParallelism(), { info() {}, warn() {} });
  } catch (err) {
    if (err instanceof DeviceError) return { device: err.device, missing: err.missing };
    throw err;
  }
}

/** The data dir the flag, VR_DATA_DIR or (best effort) the config file names when the config is invalid. */
function fallbackDataDir(file: string | undefined, flag: string | undefined): string | undefined {
  const named = flag || process.env.VR_DATA_DIR || (file ? dataDirInFile(file) : './var');
  return named ? resolve(named) : undefined;
}

function dataDirInFile(file: string): string | undefined {
  try {
    const raw = parseToml(readFileSync(file, 'utf8')) as { storage?: { data_dir?: unknown } };
    const dir = raw.storage?.data_dir;
    return typeof dir === 'string' && dir !== '' ? dir : './var';
  } catch {
    return undefined;
  }
}
