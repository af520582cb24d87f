import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import { PRIVATE_DIR, PRIVATE_FILE } from '../lib/private-files.js';

/** See FileStore.createWriter. */
export interface FileWriter {
  append(bytes: Uint8Array): Promise<void>;
  writeAt(position: number, bytes: Uint8Array): Promise<void>;
  commit(): Promise<number>;
  discard(): Promise<void>;
}

/**
 * Files under the data dir, addressed by paths relative to it. Writes go to a temp name first and are
 * renamed into place, so a crash never leaves a half-written file under a real name.
 */
export class FileStore {
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true, mode: PRIVATE_DIR });
  }

  /** Absolute path of a stored relative path; refuses anything that would leave the root. */
  resolve(relPath: string): string {
    const abs = normalize(join(this.root, relPath));
    const rel = relative(this.root, abs);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) {
      throw new Error(`path escapes the data dir: ${relPath}`);
    }
    return abs;
  }

  write(relPath: string, data: Uint8Array | string): number {
    const abs = this.resolve(relPath);
    mkdirSync(dirname(abs), { recursive: true, mode: PRIVATE_DIR });
    const tmp = `${abs}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      writeFileSync(tmp, data, { mode: PRIVATE_FILE });
      renameSync(tmp, abs);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    return statSync(abs).size;
  }

  /**
   * A file written in pieces (appended in order, its header rewritten in place last) under a temp
   * name; `commit` renames it into place and gives its size, `discard` removes it.
   */
  async createWriter(relPath: string): Promise<FileWriter> {
    const abs = this.resolve(relPath);
    mkdirSync(dirname(abs), { recursive: true, mode: PRIVATE_DIR });
    const tmp = `${abs}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(tmp, 'w', PRIVATE_FILE);
    let size = 0;
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await handle.close();
    };
    const writeAll = async (bytes: Uint8Array, position: number) => {
      for (let done = 0; done < bytes.length;) {
        const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
        done += bytesWritten;
      }
    };
    return {
      append: async (bytes) => {
        const at = size;
        size += bytes.length;
        await writeAll(bytes, at);
      },
      writeAt: (position, bytes) => writeAll(bytes, position),
      commit: async () => {
        await close();
        await rename(tmp, abs);
        return size;
      },
      discard: async () => {
        await close().catch(() => undefined);
        await rm(tmp, { force: true });
        this.removeDirIfEmpty(relative(this.root, dirname(abs)));
      },
    };
  }

  async read(relPath: string): Promise<Uint8Array> {
    return new Uint8Array(await readFile(this.resolve(relPath)));
  }

  /** Removes a directory once it holds nothing (a job's folder after its last file expired). */
  removeDirIfEmpty(relPath: string): void {
    try {
      rmdirSync(this.resolve(relPath));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'ENOENT') throw err;
    }
  }

  /** Files under a directory (recursively), as paths relative to the root; none when it does not exist. */
  listFiles(relDir: string): string[] {
    const abs = this.resolve(relDir);
    if (!existsSync(abs)) return [];
    return readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
      const rel = `${relDir}/${e.name}`;
      return e.isDirectory() ? this.listFiles(rel) : [rel];
    });
  }

  /** Removes a file or directory; a file already gone is not an error. */
  remove(relPath: string): void {
    rmSync(this.resolve(relPath), { force: true, recursive: true });
  }
}
