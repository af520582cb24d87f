import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  statfsSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE } from '../lib/private-files.js';

export const SPACE_RESERVE_FILE = 'space-reserve';
// Room for the rows that end jobs and their events, not for new work: an upload still finds the disk full.
const RESERVE_BYTES = 512 * 1024;
/** Made again only when the disk has this much free, so a nearly full disk is not filled by it. */
const ROOM_TO_REMAKE = 16 * RESERVE_BYTES;

/**
 * Half a megabyte held on the data disk so that, when it fills, the rows that say so (a job failed:
 * the disk is full) can still be written: the reserve is given up for them and made again once there
 * is room.
 */
export class SpaceReserve {
  private readonly file: string;

  constructor(private readonly dir: string) {
    this.file = join(dir, SPACE_RESERVE_FILE);
  }

  /** Makes the reserve when it is missing and the disk has room; tries again later otherwise. */
  ensure(): void {
    if (existsSync(this.file)) return;
    const tmp = `${this.file}.tmp`;
    try {
      const free = statfsSync(this.dir);
      if (free.bavail * free.bsize < ROOM_TO_REMAKE) return;
      const fd = openSync(tmp, 'w', PRIVATE_FILE);
      try {
        const block = Buffer.alloc(64 * 1024);
        for (let n = 0; n < RESERVE_BYTES; n += block.length) writeSync(fd, block);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.file);
    } catch {
      // Called every second: a reserve that cannot be made now (the disk full, say) is tried again
      // later, and must never take the server down.
      rmSync(tmp, { force: true });
    }
  }

  /** Gives the reserve up; true when there was one to give. */
  release(): boolean {
    if (!existsSync(this.file)) return false;
    rmSync(this.file, { force: true });
    return true;
  }
}
