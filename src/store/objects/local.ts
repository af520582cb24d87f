import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PRIVATE_DIR, PRIVATE_FILE } from '../../lib/private-files.js';
import { checkKey, ObjectNotFound, type ObjectStore } from './object-store.js';

/**
 * Objects as files under a directory (the data dir: `jobs/<id>/audio.wav`, `references/<id>.wav`),
 * for this user only (0600 files, 0700 folders). A write goes to a temp name beside the file and is
 * renamed into place, so a crash never leaves a half-written file under a real name (the start-up
 * sweep removes the temp names).
 */
export class LocalObjectStore implements ObjectStore {
  readonly kind = 'local';

  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true, mode: PRIVATE_DIR });
  }

  /** Absolute path of a key; a key that could leave the root is refused. */
  path(key: string): string {
    return join(this.root, checkKey(key));
  }

  async put(key: string, data: Uint8Array | string): Promise<number> {
    return this.placed(key, (tmp) => writeFile(tmp, data, { mode: PRIVATE_FILE, flag: 'wx' }));
  }

  async putFile(key: string, file: string): Promise<number> {
    return this.placed(key, (tmp) =>
      pipeline(createReadStream(file), createWriteStream(tmp, { mode: PRIVATE_FILE, flags: 'wx' })),
    );
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(this.path(key)));
    } catch (err) {
      throw missing(err) ? new ObjectNotFound(key) : err;
    }
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const st = await stat(this.path(key));
      return st.isFile() ? st.size : undefined;
    } catch (err) {
      if (missing(err)) return undefined;
      throw err;
    }
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    // Opened here, so a file that is gone rejects now rather than failing the stream mid-response.
    const handle = await open(this.path(key), 'r').catch((err: unknown) => {
      throw missing(err) ? new ObjectNotFound(key) : err;
    });
    return handle.createReadStream({ ...range, autoClose: true });
  }

  /**
   * Removes a file or a folder with everything in it, then the folders above it that it leaves
   * empty (a job's folder after its last file expired), never a top-level one (`jobs`, `references`).
   */
  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true, recursive: true });
    for (let dir = dirname(key); dir.includes('/'); dir = dirname(dir)) {
      try {
        await rmdir(this.path(dir));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOTEMPTY' || code === 'ENOENT' || code === 'EEXIST') return;
        throw err;
      }
    }
  }

  /** Files under `prefix/`, temp names included (they are what a crash left; nothing names them). */
  async list(prefix: string, options: { modifiedBefore?: number } = {}): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(this.path(prefix), { withFileTypes: true });
    } catch (err) {
      if (missing(err)) return [];
      throw err;
    }
    const keys: string[] = [];
    for (const e of entries) {
      const key = `${prefix}/${e.name}`;
      if (e.isDirectory()) keys.push(...(await this.list(key, options)));
      else if (options.modifiedBefore === undefined || (await modifiedBefore(this.path(key), options)))
        keys.push(key);
    }
    return keys;
  }

  /** Writes through a temp name in the key's folder and renames it into place; resolves to the size. */
  private async placed(key: string, write: (tmp: string) => Promise<unknown>): Promise<number> {
    const abs = this.path(key);
    await mkdir(dirname(abs), { recursive: true, mode: PRIVATE_DIR });
    const tmp = `${abs}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await write(tmp);
      await rename(tmp, abs);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return (await stat(abs)).size;
  }
}

function missing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

async function modifiedBefore(path: string, options: { modifiedBefore?: number }): Promise<boolean> {
  try {
    return (await stat(path)).mtimeMs < (options.modifiedBefore ?? Infinity);
  } catch (err) {
    if (missing(err)) return false;
    throw err;
  }
}
