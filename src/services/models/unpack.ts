import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readdirSync, readSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Unpack } from 'tar';
import { PRIVATE_DIR } from '../../lib/private-files.js';
import { MANIFEST_FILE, PackError } from '../../engine/packs/manifest.js';

/** How much a pack archive may expand to; `[engine] pack_max_unpacked_mb` and `pack_max_files`. */
export interface UnpackLimits {
  maxBytes: number;
  maxEntries: number;
}

/** The configuration's defaults, for callers without a config (tests, library use). */
export const DEFAULT_UNPACK_LIMITS: UnpackLimits = { maxBytes: 4096 * 1024 * 1024, maxEntries: 1000 };

/**
 * Unpacks a .tar.gz into `stage/unpacked` and returns the directory holding the manifest.
 *
 * A few kilobytes of gzip can expand to terabytes, and tar headers may claim any size, so the
 * decompressed bytes are counted as they flow (headers included) and the entries as they are read.
 * The extractor's own decompression (nested gzip, zstd, brotli) would escape that count, so what
 * reaches it must be a plain tar. Past a limit the stream is cut short: the extractor sees truncated
 * input, finishes the files it has open, and only then is the archive refused, so the caller's
 * clean-up never races a write.
 */
export async function unpackTarball(archive: string, stage: string, limits: UnpackLimits): Promise<string> {
  const out = join(stage, 'unpacked');
  mkdirSync(out, { mode: PRIVATE_DIR });
  const name = basename(archive);
  const mb = limits.maxBytes / 2 ** 20;
  const overLimit = (what: string) =>
    `${name}: refused, it unpacks to more than ${what} (limits: ${mb} MB, ${limits.maxEntries} entries; ` +
    '[engine] pack_max_unpacked_mb and pack_max_files)';
  let refusal: string | undefined;
  // Not `strict`: a strict extract rejects at the first bad entry while it is still writing others.
  // Every warning (a `..` path, an absolute link…) is collected, and any warning refuses the archive.
  const warnings: string[] = [];
  let entries = 0;
  let stop: (why: string) => void = () => undefined;
  const unpack = new Unpack({
    cwd: out,
    preserveOwner: false,
    brotli: false,
    zstd: false,
    filter: () => {
      if (++entries > limits.maxEntries) stop(overLimit(`${limits.maxEntries} entries`));
      return refusal === undefined;
    },
    onwarn: (code: string, message: string | Error) =>
      warnings.push(`${code}: ${message instanceof Error ? message.message : message}`),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      unpack.on('close', () => resolve());
      // Cut short on purpose, the archive ends "truncated": an error, still followed by 'close' once
      // the files in flight are written, which is what the clean-up must wait for.
      unpack.on('error', (err: Error) => refusal === undefined && reject(err));
      const source = createReadStream(archive).on('error', reject);
      const inflate = isGzip(archive) ? createGunzip().on('error', reject) : new PassThrough();
      const counter = plainTarCounter(limits.maxBytes, (why) =>
        stop(why === 'bytes' ? overLimit(`${mb} MB`) : `${name}: not a readable .tar.gz (${NOT_TAR})`),
      );
      stop = (why) => {
        refusal ??= why;
        // Nothing more is read or inflated; the extractor finishes what it holds, then closes.
        source.destroy();
        inflate.unpipe(counter);
        inflate.destroy();
        queueMicrotask(() => counter.writableEnded || counter.end());
      };
      source.pipe(inflate).pipe(counter).pipe(unpack);
    });
  } catch (err) {
    throw new PackError(`${name}: not a readable .tar.gz (${(err as Error).message})`, { cause: err });
  }
  if (refusal) throw new PackError(refusal);
  if (warnings.length > 0) throw new PackError(`${name}: refused, unsafe entry (${warnings[0]})`);
  return manifestDir(out, name);
}

const NOT_TAR = 'no tar archive inside: a ustar header is expected, other compression is not accepted';
/** Where a ustar (POSIX or GNU) header says "ustar". */
const USTAR_MAGIC = { at: 257, text: 'ustar' };

/** Plain .tar is accepted too; gzip is recognised by its magic bytes, not by the file name. */
function isGzip(file: string): boolean {
  const head = Buffer.alloc(2);
  const fd = openSync(file, 'r');
  try {
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/**
 * Passes a tar stream through while it starts with a ustar header and stays within `maxBytes`;
 * otherwise drops the rest and calls `refuse` once ('bytes' or 'not-tar').
 */
function plainTarCounter(maxBytes: number, refuse: (why: 'bytes' | 'not-tar') => void): Transform {
  const magicEnd = USTAR_MAGIC.at + USTAR_MAGIC.text.length;
  let total = 0;
  let head: Buffer | undefined = Buffer.alloc(0);
  let refused = false;
  const fail = (why: 'bytes' | 'not-tar') => {
    refused = true;
    refuse(why);
  };
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      if (refused) return done();
      total += chunk.length;
      if (total > maxBytes) {
        fail('bytes');
        return done();
      }
      if (head) {
        head = Buffer.concat([head, chunk]);
        if (head.length < magicEnd) return done();
        const magic = head.toString('latin1', USTAR_MAGIC.at, magicEnd);
        if (magic !== USTAR_MAGIC.text) {
          fail('not-tar');
          return done();
        }
        [chunk, head] = [head, undefined];
      }
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      if (head && !refused) fail('not-tar');
      done();
    },
  });
}

function manifestDir(out: string, name: string): string {
  if (existsSync(join(out, MANIFEST_FILE))) return out;
  const dirs = readdirSync(out, { withFileTypes: true }).filter((e) => e.isDirectory());
  const inner = dirs.length === 1 ? join(out, dirs[0]!.name) : undefined;
  if (inner && existsSync(join(inner, MANIFEST_FILE))) return inner;
  throw new PackError(`${name}: no ${MANIFEST_FILE} at its top level or in its one top directory`);
}
