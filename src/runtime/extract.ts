import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The single executable carries its JavaScript (the app bundle and the worker-thread entry points)
 * inside itself, but Node starts worker threads from files. This module lays those files out in a
 * directory named after the version and the content digest, so each build gets its own directory,
 * an upgrade never runs a mix of old and new files, and a second start reuses what the first wrote.
 * It is loaded by the launcher before anything else, so it may use Node built-ins only.
 */

/** What the build embeds next to the files: the file names with their sha256, and their digest. */
export interface RuntimeManifest {
  version: string;
  /** sha256 (hex) of every file, keyed by its name inside the runtime directory. */
  files: Record<string, string>;
  /** sha256 over the sorted name/hash pairs: names the runtime directory. */
  digest: string;
}

export function manifestDigest(files: Record<string, string>): string {
  const h = createHash('sha256');
  for (const name of Object.keys(files).sort()) h.update(`${name}\0${files[name]}\n`);
  return h.digest('hex');
}

/** The unit's CacheDirectory; scripts/install.sh creates it for the service user. */
const INSTALLED_CACHE = '/var/cache/voicereel';

/**
 * Where runtime directories go: VR_RUNTIME_DIR, else systemd's CacheDirectory (the unit makes /opt
 * read-only), else the installed cache directory when it is ours (admin commands run as the service
 * user share the service's copy), else the user's cache directory, else a per-user directory under
 * the system temp dir.
 */
export function runtimeBaseDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VR_RUNTIME_DIR) return env.VR_RUNTIME_DIR;
  const systemd = env.CACHE_DIRECTORY?.split(':')[0];
  if (systemd) return join(systemd, 'runtime');
  if (ownedDirectory(INSTALLED_CACHE)) return join(INSTALLED_CACHE, 'runtime');
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'voicereel');
  const home = env.HOME ?? safeHomedir();
  if (home && home !== '/') return join(home, '.cache', 'voicereel');
  return join(tmpdir(), `voicereel-${process.getuid?.() ?? 'user'}`);
}

function ownedDirectory(dir: string): boolean {
  try {
    const st = lstatSync(dir);
    return st.isDirectory() && st.uid === process.getuid?.();
  } catch {
    return false;
  }
}

function safeHomedir(): string | undefined {
  try {
    return homedir();
  } catch {
    return undefined;
  }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** True when every file is present with the expected content. */
function intact(dir: string, manifest: RuntimeManifest): boolean {
  for (const [name, hash] of Object.entries(manifest.files)) {
    try {
      if (sha256(readFileSync(join(dir, name))) !== hash) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * A shared base directory (say under /tmp) must belong to us: otherwise another user could plant
 * the code we are about to run.
 */
function ensureOwnedDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) {
    throw new Error(
      `runtime directory ${dir} is not a directory owned by this user; set VR_RUNTIME_DIR to a private directory`,
    );
  }
  if ((st.mode & 0o022) !== 0) chmodSync(dir, st.mode & ~0o022 & 0o7777);
}

/**
 * Returns a directory holding exactly the manifest's files, writing them from `read` when the
 * directory is missing or damaged. Files are written to a private temporary directory first and
 * renamed into place, so a crash or a concurrent start never leaves a half-written runtime.
 */
export function ensureRuntime(
  base: string,
  manifest: RuntimeManifest,
  read: (name: string) => Buffer,
): string {
  if (manifestDigest(manifest.files) !== manifest.digest) {
    throw new Error('the executable is damaged: its embedded file list does not match its digest');
  }
  ensureOwnedDir(base);
  const dir = join(base, `${manifest.version}-${manifest.digest.slice(0, 16)}`);
  if (intact(dir, manifest)) return dir;

  const tmp = join(base, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(tmp, { mode: 0o700 });
  try {
    for (const [name, hash] of Object.entries(manifest.files)) {
      const data = read(name);
      if (sha256(data) !== hash)
        throw new Error(`the executable is damaged: embedded ${name} fails its checksum`);
      writeFileSync(join(tmp, name), data, { mode: 0o444 });
    }
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(tmp, dir);
    } catch (err) {
      // Another process started at the same moment and won the rename: use its copy if it is whole.
      if (!intact(dir, manifest)) throw err;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (!intact(dir, manifest)) throw new Error(`could not lay out the runtime files in ${dir}`);
  return dir;
}
