import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeSnapshot } from '../../store/transfer/source.js';
import { PRIVATE_DIR, PRIVATE_FILE } from '../../lib/private-files.js';

/** `<target data_dir>/migrate/`: the snapshot being copied and the note of how far the copy got. */
export const WORK_DIR = 'migrate';
const NOTE = 'progress.json';
const SNAPSHOT = 'source.db';

export interface TableProgress {
  /** Rows the source no longer has were deleted from the target (done once per snapshot). */
  pruned: boolean;
  /** The last key copied: a resumed copy starts after it. */
  after: unknown[] | null;
  done: boolean;
}

export interface ObjectProgress {
  /** The last key copied and checked (keys go in sorted order). */
  after: string | null;
  missingAtSource: string[];
  mismatched: string[];
}

export interface Progress {
  /** The live database file the snapshot was taken from. */
  source: string;
  takenAt: string;
  tables: Record<string, TableProgress>;
  objects: ObjectProgress;
}

/**
 * The progress note of a copy, written after every committed batch (atomically: a temp file
 * renamed), beside the snapshot it copies from. A run that was interrupted leaves both; the next
 * run with the same source picks the same snapshot up where the note says, so it continues one
 * consistent moment of the source. A run that reaches the end removes both.
 */
export class ProgressNote {
  private readonly dir: string;

  constructor(targetDataDir: string) {
    this.dir = join(targetDataDir, WORK_DIR);
    mkdirSync(this.dir, { recursive: true, mode: PRIVATE_DIR });
  }

  private resolve(name: string): string {
    return join(this.dir, name);
  }

  get snapshotFile(): string {
    return this.resolve(SNAPSHOT);
  }

  /** A scratch file in the work dir (the snapshot a verification compares with). */
  scratchFile(name: string): string {
    return this.resolve(name);
  }

  /** The note of an unfinished copy from `source` whose snapshot is still there; else undefined. */
  resumable(source: string): Progress | undefined {
    const file = this.resolve(NOTE);
    if (!existsSync(file) || !existsSync(this.snapshotFile)) return undefined;
    try {
      const note = JSON.parse(readFileSync(file, 'utf8')) as Progress;
      return note.source === source && note.tables && note.objects ? note : undefined;
    } catch {
      return undefined; // A note that cannot be read is no note: the copy starts over.
    }
  }

  save(progress: Progress): void {
    // A temp name renamed into place: an interrupted save never leaves half a note.
    const file = this.resolve(NOTE);
    writeFileSync(`${file}.tmp`, `${JSON.stringify(progress)}\n`, { mode: PRIVATE_FILE });
    renameSync(`${file}.tmp`, file);
  }

  /** Removes the note and the snapshot. */
  clear(): void {
    rmSync(this.resolve(NOTE), { force: true });
    removeSnapshot(this.snapshotFile);
  }
}

/** A copy not yet begun: nothing done, no file checked. */
export function blankProgress(source: string, takenAt: string): Progress {
  return { source, takenAt, tables: {}, objects: { after: null, missingAtSource: [], mismatched: [] } };
}
