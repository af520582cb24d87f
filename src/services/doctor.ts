import { constants, accessSync, existsSync, statfsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Config } from '../config/schema.js';
import type { AppPaths } from '../runtime/paths.js';
import { checkPackFiles, installedPackDirs } from './models/packs.js';
import { MASTER_SECRET_FILE } from './secrets.js';
import { pendingMigrations } from '../store/migrate.js';
import { type Migration, migrations as shipped } from '../store/migrations/index.js';

/**
 * `voicereel doctor`: each check looks at one thing an installation needs and says, in one line, what
 * it found and what to do about it. Checks only read: nothing is created, chmodded or migrated.
 * Every probe takes its paths (and the disk probe its `statfs`) as arguments, so tests point them at
 * temporary directories.
 */

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  id: string;
  name: string;
  status: CheckStatus;
  /** One line: what was found. */
  message: string;
  /** One line: what to do; only when the status is not ok. */
  hint?: string;
}

const GiB = 1024 ** 3;
export const DATABASE_FILE = 'voicereel.db';
export const KUROMOJI_FILES = [
  'base.dat.gz',
  'check.dat.gz',
  'tid.dat.gz',
  'tid_pos.dat.gz',
  'tid_map.dat.gz',
  'cc.dat.gz',
  'unk.dat.gz',
  'unk_pos.dat.gz',
  'unk_map.dat.gz',
  'unk_char.dat.gz',
  'unk_compat.dat.gz',
  'unk_invoke.dat.gz',
];

const ok = (id: string, name: string, message: string): CheckResult => ({ id, name, status: 'ok', message });
const bad = (id: string, name: string, status: CheckStatus, message: string, hint?: string): CheckResult =>
  hint === undefined ? { id, name, status, message } : { id, name, status, message, hint };

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}

/** The config check's result from what loading it gave: the config, or the error that stopped it. */
export function checkConfig(file: string | undefined, loaded: Config | Error): CheckResult {
  const name = 'configuration';
  if (loaded instanceof Error) {
    return bad(
      'config',
      name,
      'fail',
      loaded.message,
      'fix the key named above (voicereel.example.toml documents every key)',
    );
  }
  return ok(
    'config',
    name,
    file ? `${file} is valid` : 'no config file: defaults, VR_* environment and flags',
  );
}

/** Nearest directory on the path that exists (the data dir itself, or the parent it would be made in). */
function nearestExisting(path: string): string {
  let p = path;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  return p;
}

export function checkDataDir(dataDir: string): CheckResult {
  const id = 'data_dir';
  const name = 'data directory';
  if (!existsSync(dataDir)) {
    const parent = nearestExisting(dataDir);
    try {
      if (!statSync(parent).isDirectory()) {
        return bad(id, name, 'fail', `${dataDir} cannot be created: ${parent} is not a directory`);
      }
      accessSync(parent, constants.W_OK | constants.X_OK);
    } catch (err) {
      return bad(
        id,
        name,
        'fail',
        `${dataDir} does not exist and cannot be created in ${parent} (${errCode(err)})`,
        `create it for the service user: install -d -m 750 ${dataDir}`,
      );
    }
    return ok(id, name, `${dataDir} does not exist yet; it will be created at first start`);
  }
  let mode: number;
  try {
    const st = statSync(dataDir);
    if (!st.isDirectory()) {
      return bad(
        id,
        name,
        'fail',
        `${dataDir} is not a directory`,
        'point --data-dir/storage.data_dir at a directory',
      );
    }
    mode = st.mode & 0o777;
    accessSync(dataDir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (err) {
    return bad(
      id,
      name,
      'fail',
      `${dataDir} is not writable by this user (${errCode(err)})`,
      'run as the service user, or chown the directory to it',
    );
  }
  if (mode & 0o007) {
    return bad(
      id,
      name,
      'warn',
      `${dataDir} is open to other users (mode ${octal(mode)})`,
      `chmod o-rwx ${dataDir}`,
    );
  }
  return ok(id, name, `${dataDir} is a writable directory (mode ${octal(mode)})`);
}

function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}

export function checkMasterKey(dataDir: string): CheckResult {
  const id = 'master_key';
  const name = 'master key';
  const file = join(dataDir, MASTER_SECRET_FILE);
  if (!existsSync(file))
    return ok(id, name, `${file} not there yet; it is generated (mode 0600) at first start`);
  try {
    const st = statSync(file);
    if (!st.isFile()) return bad(id, name, 'fail', `${file} is not a regular file`, `move it aside`);
    accessSync(file, constants.R_OK);
    const mode = st.mode & 0o777;
    if (mode !== 0o600) {
      // Anyone else able to read it can forge presigned URLs and unseal stored keys.
      return bad(
        id,
        name,
        mode & 0o077 ? 'fail' : 'warn',
        `${file} has mode ${octal(mode)}, not 0600`,
        `chmod 600 ${file}${mode & 0o077 ? ' (and rotate API keys if others may have read it)' : ''}`,
      );
    }
  } catch (err) {
    return bad(id, name, 'fail', `${file} cannot be read (${errCode(err)})`, 'run as the service user');
  }
  return ok(id, name, `${file} has mode 0600`);
}

export interface DiskThresholds {
  failBelow: number;
  warnBelow: number;
}

export const DEFAULT_DISK_THRESHOLDS: DiskThresholds = { failBelow: 1 * GiB, warnBelow: 5 * GiB };

export function checkDisk(
  dataDir: string,
  thresholds: DiskThresholds = DEFAULT_DISK_THRESHOLDS,
  statfs: (path: string) => { bavail: number; bsize: number } = statfsSync,
): CheckResult {
  const id = 'disk';
  const name = 'free disk space';
  const where = nearestExisting(dataDir);
  let free: number;
  try {
    const st = statfs(where);
    free = st.bavail * st.bsize;
  } catch (err) {
    return bad(id, name, 'fail', `cannot read the file system of ${where} (${errCode(err)})`);
  }
  const text = `${(free / GiB).toFixed(1)} GiB free on the file system of ${where}`;
  const hint = 'free space or move storage.data_dir; old job audio goes after storage.retention_hours';
  if (free < thresholds.failBelow) {
    return bad(id, name, 'fail', `${text} (needs ${(thresholds.failBelow / GiB).toFixed(1)} GiB)`, hint);
  }
  if (free < thresholds.warnBelow) {
    return bad(id, name, 'warn', `${text} (below ${(thresholds.warnBelow / GiB).toFixed(1)} GiB)`, hint);
  }
  return ok(id, name, text);
}

/**
 * Opens the database as it is (never migrating, never creating it) and runs `PRAGMA integrity_check`,
 * then compares `schema_migrations` with the migrations this binary ships.
 */
export function checkDatabase(
  dataDir: string,
  sqliteAddon: string | undefined,
  list: Migration[] = shipped,
): CheckResult {
  const id = 'database';
  const name = 'database';
  const file = join(dataDir, DATABASE_FILE);
  if (!existsSync(file)) return ok(id, name, `no database at ${file} yet; it is created at first start`);
  const restore =
    'stop the server and restore the latest backup from <data_dir>/backups (README "Back up and restore")';
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true, ...(sqliteAddon ? { nativeBinding: sqliteAddon } : {}) });
    db.pragma('busy_timeout = 5000');
    const rows = db.pragma('integrity_check(20)', { simple: false }) as { integrity_check: string }[];
    const problems = rows.map((r) => r.integrity_check).filter((r) => r !== 'ok');
    if (problems.length > 0) {
      return bad(id, name, 'fail', `${file} failed the integrity check: ${problems.join('; ')}`, restore);
    }
    const pending = pendingMigrations(db, list);
    const known = new Set(list.map((m) => m.id));
    const hasTable = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
      .get();
    const applied = hasTable
      ? (db.prepare('SELECT id FROM schema_migrations').pluck().all() as string[])
      : [];
    const unknown = applied.filter((m) => !known.has(m));
    if (unknown.length > 0) {
      return bad(
        id,
        name,
        'fail',
        `${file} has migrations this version does not know (${unknown.join(', ')}): it was upgraded by a newer VoiceReel`,
        'run the newer version, or restore the backup taken before that upgrade',
      );
    }
    if (pending.length > 0) {
      return bad(
        id,
        name,
        'warn',
        `${file} is intact; ${pending.length} migration(s) pending (${pending.join(', ')})`,
        'they will be applied, with a backup, at next start',
      );
    }
    return ok(id, name, `${file} is intact and up to date (${applied.length} migration(s))`);
  } catch (err) {
    return bad(id, name, 'fail', `${file} cannot be read: ${(err as Error).message}`, restore);
  } finally {
    db?.close();
  }
}

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

/** The files the engines load: worker bundle, eSpeak data, kuromoji dictionary, sqlite addon, onnxruntime, Silero VAD. */
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
    `eSpeak data, kuromoji dictionary, onnxruntime, Silero VAD and engine worker present in ${paths.appDir}`,
  );
}

/** Installed model packs: manifest valid, files present with their sizes (`models verify` hashes them). */
export function checkModels(config: Config | undefined): CheckResult {
  const id = 'models';
  const name = 'model packs';
  if (!config)
    return bad(
      id,
      name,
      'warn',
      'not checked: the configuration did not load',
      'fix the configuration first',
    );
  const packs = installedPackDirs(config.engine.models_dir).map(checkPackFiles);
  const broken = packs.filter((p) => !p.ok);
  if (broken.length > 0) {
    return bad(
      id,
      name,
      'fail',
      broken.map((p) => `${basename(p.dir)}: ${p.problems.join('; ')}`).join(' | '),
      'reinstall the pack with `voicereel models install --replace <pack>`, or remove its directory',
    );
  }
  if (packs.length === 0)
    return ok(id, name, `none in ${config.engine.models_dir}; the built-in engine serves every voice`);
  const names = packs.map((p) => `${basename(p.dir)} (${p.manifest!.family})`).join(', ');
  return ok(
    id,
    name,
    `${packs.length} in ${config.engine.models_dir}: ${names}; run \`voicereel models verify\` to check checksums`,
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

export interface DoctorInput {
  configFile: string | undefined;
  loaded: Config | Error;
  /** Where the data lives; undefined when the configuration did not load and no flag named it. */
  dataDir: string | undefined;
  paths: AppPaths;
  /** The onnxruntime check (async, run by the caller, which loads onnxruntime). */
  onnxRuntime?: CheckResult;
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
      checkDatabase(dataDir, input.paths.sqliteAddon),
    );
  }
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
