import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { PRIVATE_DIR } from '../../lib/private-files.js';
import { FileStore } from '../../services/file-store.js';
import type { ObjectTarget } from '../../services/migration/objects.js';

/**
 * The target's data dir as the object store migrate writes to: only the calls migrate makes. A
 * stand-in until the object stores of store/objects (local disk and S3) take its place where the
 * command builds it.
 */
export class DataDirObjects implements ObjectTarget {
  private readonly files: FileStore;

  constructor(root: string) {
    this.files = new FileStore(root);
  }

  async putFile(key: string, file: string): Promise<number> {
    const abs = this.files.resolve(key);
    await mkdir(dirname(abs), { recursive: true, mode: PRIVATE_DIR });
    // A temp name renamed into place: an interrupted copy never leaves a half file under the key.
    const tmp = `${abs}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await copyFile(file, tmp);
      await rename(tmp, abs);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return (await stat(abs)).size;
  }

  async size(key: string): Promise<number | undefined> {
    try {
      return (await stat(this.files.resolve(key))).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async read(key: string): Promise<Readable> {
    return createReadStream(this.files.resolve(key));
  }
}
