import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A small tmpfs in a private mount namespace, so filling it touches nothing else on the machine.
 * A holder process (`sleep`, started through unshare) keeps the namespace alive; programs enter it
 * with nsenter, and this process reaches the same files through /proc/<holder>/root.
 */
export interface SmallFs {
  /** The tmpfs, as a path any process on the host can open. */
  root: string;
  /** The tmpfs as programs inside the namespace see it. */
  inside: string;
  /** Prefix that runs a program inside the namespace. */
  enter: [string, ...string[]];
  freeBytes(): number;
  sizeBytes(): number;
  close(): void;
}

/** Why a small filesystem cannot be had here, or undefined when it can. */
export function smallFsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux mount namespaces';
  if (process.getuid?.() !== 0) return 'needs root to mount a tmpfs in a private mount namespace';
  for (const tool of ['unshare', 'nsenter']) {
    if (spawnSync(tool, ['--version']).status !== 0) return `${tool} (util-linux) is not installed`;
  }
  const probe = spawnSync('unshare', ['--mount', '--propagation', 'private', 'true']);
  if (probe.status !== 0) return `unshare --mount is not permitted here: ${probe.stderr.toString().trim()}`;
  return undefined;
}

export async function mountSmallFs(sizeMiB: number): Promise<SmallFs> {
  const base = mkdtempSync(join(tmpdir(), 'vr-chaos-smallfs-'));
  const mountPoint = join(base, 'fs');
  mkdirSync(mountPoint);
  const holder: ChildProcess = spawn(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      `mount -t tmpfs -o size=${sizeMiB}m,mode=0755 vr-chaos "$1" && echo mounted && exec sleep 3600`,
      'sh',
      mountPoint,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let err = '';
    holder.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    holder.stdout?.on('data', (c: Buffer) => c.toString().includes('mounted') && resolve());
    holder.once('exit', (code) => reject(new Error(`could not mount a tmpfs (exit ${code}): ${err.trim()}`)));
  });
  const root = `/proc/${holder.pid}/root${mountPoint}`;
  const fs: SmallFs = {
    root,
    inside: mountPoint,
    enter: ['nsenter', `--mount=/proc/${holder.pid}/ns/mnt`, `--wd=${process.cwd()}`],
    freeBytes: () => {
      const s = statfsSync(root);
      return s.bavail * s.bsize;
    },
    sizeBytes: () => {
      const s = statfsSync(root);
      return s.blocks * s.bsize;
    },
    close: () => {
      holder.kill('SIGKILL');
      rmSync(base, { recursive: true, force: true });
    },
  };
  // Never fill a real disk: the path must really be the small filesystem just mounted.
  if (Math.abs(fs.sizeBytes() - sizeMiB * 1024 * 1024) > 1024 * 1024) {
    fs.close();
    throw new Error(`the mount at ${root} is not the ${sizeMiB} MiB tmpfs`);
  }
  return fs;
}

/** Writes a filler file until at most `leaveBytes` are free. */
export function fill(path: string, fs: SmallFs, leaveBytes: number): number {
  const fd = openSync(path, 'a');
  let written = 0;
  try {
    for (let free = fs.freeBytes(); free > leaveBytes; free = fs.freeBytes()) {
      const n = Math.min(1024 * 1024, free - leaveBytes);
      try {
        written += writeSync(fd, Buffer.alloc(Math.max(4096, n), 0x5a));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
        throw err;
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}
