import type { Readable } from 'node:stream';

/**
 * Where job audio, captions and reference recordings live, by key (`jobs/<job id>/audio.wav`,
 * `references/<speaker id>.wav`): the data dir on local disk (the embedded default) or an
 * S3-compatible bucket shared by every node. Keys are the paths the database rows name.
 */
export interface ObjectStore {
  readonly kind: 'local' | 's3';
  /** Stores the object whole (never visible half-written); resolves to its size in bytes. */
  put(key: string, data: Uint8Array | string, contentType?: string): Promise<number>;
  /** Stores a local file's content under `key` (large objects are streamed, not read whole). */
  putFile(key: string, file: string, contentType?: string): Promise<number>;
  /** The whole object; rejects with ObjectNotFound when there is none. */
  get(key: string): Promise<Uint8Array>;
  /** Size of the object, or undefined when there is none. */
  size(key: string): Promise<number | undefined>;
  /** A byte range (inclusive `end`) or the whole object, streamed; rejects with ObjectNotFound. */
  read(key: string, range?: { start: number; end: number }): Promise<Readable>;
  /** Removes the object, or every object under `key/` (a job's folder); missing ones are no error. */
  remove(key: string): Promise<void>;
  /**
   * Keys under `prefix/`, recursively. With `modifiedBefore` (ms since the epoch), only objects last
   * written before then: the orphan sweep of a shared bucket leaves alone what another node may
   * still be about to name in a row.
   */
  list(prefix: string, options?: { modifiedBefore?: number }): Promise<string[]>;
  /**
   * A time-limited GET URL the object store answers itself (S3 presigned), or undefined when the
   * store has none (local disk: VoiceReel serves the file through its own presigned /v1/files URL).
   */
  presignedGet?(key: string, ttlSeconds: number, downloadName: string): Promise<string>;
}

/** The object a key names is not there (deleted by the retention sweep, or never stored). */
export class ObjectNotFound extends Error {
  constructor(readonly key: string) {
    super(`no object ${key}`);
    this.name = 'ObjectNotFound';
  }
}

/**
 * Keys come from rows and code, never from clients, but a key that could leave the data dir (or
 * the bucket prefix) is refused all the same: relative, `/`-separated, no empty, `.` or `..` part.
 */
export function checkKey(key: string): string {
  const parts = key.split('/');
  if (key === '' || key.includes('\\') || key.includes('\0') || parts.some(badPart)) {
    throw new Error(`not a valid object key: ${key}`);
  }
  return key;
}

function badPart(part: string): boolean {
  return part === '' || part === '.' || part === '..';
}
