import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  createReadStream,
  existsSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { FAMILY_NAMES, familyOf, isFamily } from '../../engine/families/index.js';
import {
  MANIFEST_FILE,
  type Manifest,
  manifestSchema,
  PackError,
  packDirName,
} from '../../engine/packs/manifest.js';
import { PRIVATE_DIR, PRIVATE_FILE } from '../../lib/private-files.js';
import { DEFAULT_UNPACK_LIMITS, type UnpackLimits, unpackTarball } from './unpack.js';

/**
 * Model packs on disk: read and check a manifest, verify every file against its sha256, install a
 * pack (directory or .tar.gz) into models_dir atomically, list what is installed. Nothing here
 * downloads anything: packs are carried in by the operator.
 */

export { PackError };

export interface PackStatus {
  dir: string;
  manifest?: Manifest;
  ok: boolean;
  problems: string[];
}

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

/** Parses `voicereel-model.json`, naming the first bad field. */
export function readManifest(dir: string): Manifest {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) throw new PackError(`${dir}: no ${MANIFEST_FILE} (not a model pack)`);
  const { problem } = member(dir, MANIFEST_FILE);
  if (problem) throw new PackError(`${file}: ${problem}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new PackError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const family = (raw as { family?: unknown } | null)?.family;
  if (typeof family === 'string' && !isFamily(family)) {
    throw new PackError(
      `${file}: family "${family}" is not supported (supported: ${FAMILY_NAMES.join(', ')})`,
    );
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PackError(`${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  const m = parsed.data;
  const packFamily = familyOf(m.family);
  for (const role of packFamily.requiredRoles) {
    const n = m.files.filter((f) => f.role === role).length;
    if (n !== 1)
      throw new PackError(
        `${file}: a ${m.family} pack needs exactly one file with role "${role}", found ${n}`,
      );
  }
  const seen = new Set<string>();
  for (const f of m.files) {
    if (seen.has(f.path)) throw new PackError(`${file}: ${f.path} is listed twice`);
    seen.add(f.path);
  }
  const ids = new Set<string>();
  for (const v of m.voices) {
    if (ids.has(v.id)) throw new PackError(`${file}: voice ${v.id} is listed twice`);
    ids.add(v.id);
    const problem = packFamily.voiceProblem(v);
    if (problem) throw new PackError(`${file}: ${problem}`);
  }
  return m;
}

/** Manifest valid and every listed file a regular file of the listed size (no hashing: cheap). */
export function checkPackFiles(dir: string): PackStatus {
  let manifest: Manifest;
  try {
    manifest = readManifest(dir);
  } catch (err) {
    if (err instanceof PackError) return { dir, ok: false, problems: [err.message] };
    throw err;
  }
  const problems: string[] = [];
  for (const f of manifest.files) {
    const { problem, stat } = member(dir, f.path);
    if (problem) problems.push(`${f.path}: ${problem}`);
    else if (f.size !== undefined && stat?.size !== f.size)
      problems.push(`${f.path}: ${stat?.size} bytes, the manifest says ${f.size}`);
  }
  return { dir, manifest, ok: problems.length === 0, problems };
}

/**
 * A listed path must be a regular file reached through plain folders of the pack. Every component
 * is lstat-ed: a symbolic link anywhere (the file, or a folder on the way) could lead out of the
 * pack to a host file whose checksum someone put in the manifest.
 */
function member(root: string, rel: string): { problem?: string; stat?: Stats } {
  const parts = rel.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const last = i === parts.length;
    let st: Stats;
    try {
      st = lstatSync(join(root, ...parts.slice(0, i)));
    } catch {
      return { problem: 'missing' };
    }
    if (st.isSymbolicLink()) {
      return {
        problem: last
          ? 'a symbolic link; packs hold regular files only'
          : `goes through the symbolic link ${parts.slice(0, i).join('/')}; packs hold regular files and folders only`,
      };
    }
    if (last ? !st.isFile() : !st.isDirectory()) return { problem: 'missing' };
    if (last) return { stat: st };
  }
  return { problem: 'missing' };
}

/** Every listed file present, of the listed size, with the listed sha256. */
export async function verifyPack(dir: string): Promise<PackStatus> {
  const quick = checkPackFiles(dir);
  if (!quick.manifest) return quick;
  const problems: string[] = [];
  for (const f of quick.manifest.files) {
    const found = quick.problems.find((p) => p.startsWith(`${f.path}: `));
    if (found) {
      problems.push(found);
      continue;
    }
    const actual = await sha256File(join(dir, f.path));
    if (actual !== f.sha256)
      problems.push(`${f.path}: sha256 ${actual} does not match the manifest (${f.sha256})`);
  }
  return { ...quick, ok: problems.length === 0, problems };
}

function describeProblems(s: PackStatus): string {
  const name = s.manifest ? packDirName(s.manifest) : s.dir;
  return `model pack ${name} refused:\n${s.problems.map((p) => `  - ${p}`).join('\n')}`;
}

/**
 * Verifies a pack (directory or .tar.gz holding one) and copies it into `modelsDir/<name>-<version>`.
 * Staged in a temporary directory inside modelsDir and renamed, so a failed or interrupted install
 * leaves nothing half-copied. The same pack again is a no-op; a different one under the same
 * name and version is refused unless `replace`.
 */
export async function installPack(
  source: string,
  modelsDir: string,
  opts: {
    replace?: boolean;
    /** How far a .tar.gz may expand; the configuration's defaults when not given. */
    limits?: UnpackLimits;
    /** Loads the verified copy as its family would (the engine's check); throws to refuse it. */
    check?: (dir: string, manifest: Manifest) => Promise<void>;
  } = {},
): Promise<{ dir: string; manifest: Manifest; unchanged: boolean }> {
  if (!existsSync(source)) throw new PackError(`${source}: no such file or directory`);
  mkdirSync(modelsDir, { recursive: true, mode: PRIVATE_DIR });
  const stage = join(modelsDir, `.install-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(stage, { mode: PRIVATE_DIR });
  try {
    const from = statSync(source).isDirectory()
      ? source
      : await unpackTarball(source, stage, opts.limits ?? DEFAULT_UNPACK_LIMITS);
    const checked = await verifyPack(from);
    if (!checked.ok || !checked.manifest) throw new PackError(describeProblems(checked));
    const manifest = checked.manifest;
    const target = join(modelsDir, packDirName(manifest));
    if (existsSync(target)) {
      const current = await verifyPack(target);
      const same = current.ok && JSON.stringify(current.manifest?.files) === JSON.stringify(manifest.files);
      if (same) return { dir: target, manifest, unchanged: true };
      if (!opts.replace && current.ok)
        throw new PackError(
          `${packDirName(manifest)} is already installed with different files; use --replace to overwrite it`,
        );
    }
    const copy = join(stage, 'pack');
    mkdirSync(copy, { mode: PRIVATE_DIR });
    for (const path of [MANIFEST_FILE, ...manifest.files.map((f) => f.path)]) {
      copyMember(from, path, join(copy, path));
    }
    // Check the copy, not only the source: the disk it landed on could be the problem.
    const copied = await verifyPack(copy);
    if (!copied.ok) throw new PackError(describeProblems(copied));
    if (opts.check) {
      try {
        await opts.check(copy, manifest);
      } catch (err) {
        throw new PackError(
          `model pack ${packDirName(manifest)} refused: it does not load as a ${manifest.family} model (${(err as Error).message.replaceAll(copy + '/', '')})`,
          { cause: err },
        );
      }
    }
    if (existsSync(target)) rmSync(target, { recursive: true, force: true });
    renameSync(copy, target);
    return { dir: target, manifest, unchanged: false };
  } finally {
    rmSync(stage, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  }
}

/**
 * Copies one listed file out of a pack, private to this user whatever the source's mode. The file
 * is opened without following links and must be the very file `member` reached through plain
 * folders, so a folder swapped for a link between the check and the copy is caught too.
 */
function copyMember(root: string, rel: string, to: string): void {
  const { problem, stat } = member(root, rel);
  if (!stat) throw new PackError(`${rel}: ${problem ?? 'missing'}`);
  const src = openSync(join(root, rel), constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const opened = fstatSync(src);
    if (opened.ino !== stat.ino || opened.dev !== stat.dev) {
      throw new PackError(`${rel}: changed while it was being installed`);
    }
    mkdirSync(dirname(to), { recursive: true, mode: PRIVATE_DIR });
    const dst = openSync(to, 'wx', PRIVATE_FILE);
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      for (let n; (n = readSync(src, buf, 0, buf.length, null)) > 0;) writeSync(dst, buf, 0, n);
    } finally {
      closeSync(dst);
    }
  } finally {
    closeSync(src);
  }
}

/** Installed pack directories in modelsDir (staging directories start with a dot). */
export function installedPackDirs(modelsDir: string): string[] {
  if (!existsSync(modelsDir)) return [];
  return readdirSync(modelsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => join(modelsDir, e.name))
    .sort();
}

/** Installed packs, each checked fully (sha256) when `verify`, else by manifest and file sizes. */
export async function listPacks(modelsDir: string, verify: boolean): Promise<PackStatus[]> {
  const out: PackStatus[] = [];
  for (const dir of installedPackDirs(modelsDir))
    out.push(verify ? await verifyPack(dir) : checkPackFiles(dir));
  return out;
}
