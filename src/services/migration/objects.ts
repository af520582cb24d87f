import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ObjectStore } from '../../store/objects/object-store.js';

/** What migrate needs of the target's object store. */
export type ObjectTarget = Pick<ObjectStore, 'putFile' | 'size' | 'read'>;

interface Digest {
  bytes: number;
  sha256: string;
}

async function digest(stream: Readable): Promise<Digest> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    hash.update(buf);
    bytes += buf.length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

async function digestFile(path: string): Promise<Digest | undefined> {
  try {
    return await digest(createReadStream(path));
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

async function digestObject(target: ObjectTarget, key: string): Promise<Digest | undefined> {
  if ((await target.size(key)) === undefined) return undefined;
  return digest(await target.read(key));
}

const same = (a: Digest | undefined, b: Digest) => a?.bytes === b.bytes && a.sha256 === b.sha256;

export type ObjectOutcome = 'copied' | 'present' | 'missing at source' | 'missing on target' | 'mismatch';

/**
 * One file of the source against its object on the target, by size and SHA-256. Copying, an object
 * that is not there identical is written (from the file, streamed) and read back to be checked;
 * verifying, nothing is written. A file the source no longer has (the retention sweep of a running
 * source deleted it after the snapshot) cannot be copied, and says so.
 */
export async function transferObject(
  target: ObjectTarget,
  key: string,
  file: string,
  opts: { contentType?: string; copy: boolean },
): Promise<{ outcome: ObjectOutcome; bytes: number }> {
  const want = await digestFile(file);
  if (!want) return { outcome: 'missing at source', bytes: 0 };
  const have = await digestObject(target, key);
  if (same(have, want)) return { outcome: 'present', bytes: want.bytes };
  if (!opts.copy) return { outcome: have ? 'mismatch' : 'missing on target', bytes: want.bytes };
  try {
    await target.putFile(key, file, opts.contentType);
  } catch (err) {
    if (isMissing(err)) return { outcome: 'missing at source', bytes: 0 };
    throw err;
  }
  const now = await digestObject(target, key);
  return { outcome: same(now, want) ? 'copied' : 'mismatch', bytes: want.bytes };
}
