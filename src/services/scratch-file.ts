import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_DIR, PRIVATE_FILE } from '../lib/private-files.js';

/**
 * A private file in this node's scratch folder that a job's programme is written into piece by
 * piece (appended, its header written over a placeholder at the end), then handed whole to the
 * object store. The scratch folder is under the data dir's `tmp/`, which the start-up sweep empties,
 * so a crash mid-job leaves nothing behind for long.
 */
/** The scratch folder under the data dir (the start-up sweep empties it: jobs/orphans.ts). */
export const SCRATCH_DIR = 'scratch';

export interface ScratchFile {
  readonly path: string;
  append(bytes: Uint8Array): Promise<void>;
  writeAt(position: number, bytes: Uint8Array): Promise<void>;
  /** Closes the file; resolves to its size. The caller stores it, then removes it. */
  finish(): Promise<number>;
  /** Closes and deletes it (also after `finish`). */
  discard(): Promise<void>;
}

export async function createScratchFile(dir: string, suffix: string): Promise<ScratchFile> {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  const path = join(dir, `${randomBytes(8).toString('hex')}${suffix}`);
  const handle = await open(path, 'w', PRIVATE_FILE);
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
    path,
    append: async (bytes) => {
      const at = size;
      size += bytes.length;
      await writeAll(bytes, at);
    },
    writeAt: (position, bytes) => writeAll(bytes, position),
    finish: async () => {
      await close();
      return size;
    },
    discard: async () => {
      await close().catch(() => undefined);
      await rm(path, { force: true });
    },
  };
}
