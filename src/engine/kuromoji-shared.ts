import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { IpadicFeatures, Tokenizer } from 'kuromoji';
import DictionaryLoader from 'kuromoji/src/loader/DictionaryLoader.js';
import KuromojiTokenizer from 'kuromoji/src/Tokenizer.js';

/** The dictionary files kuromoji reads (its loader asks for them by these names). */
export const KUROMOJI_FILES = [
  'base.dat.gz',
  'check.dat.gz',
  'tid.dat.gz',
  'tid_pos.dat.gz',
  'tid_map.dat.gz',
  'cc.dat.gz',
  'unk.dat.gz',
  'unk_pos.dat.gz',
  'unk_map.dat.gz',
  'unk_char.dat.gz',
  'unk_compat.dat.gz',
  'unk_invoke.dat.gz',
] as const;

/**
 * The IPA dictionary decompressed once, in shared memory, for every engine thread. Loaded per
 * thread, kuromoji cost ~290 MB of RSS each (its own decompressed copy of ~100 MB, the copies its
 * loader makes, and a ~70 MB JS object mapping trie ids to word ids); over these buffers a thread's
 * tokenizer costs a few MB (an index into the raw trie-id map replaces the object).
 * The buffers are handed out empty, sized from the gzip trailers, and filled while the workers
 * start: `state` turns from LOADING to READY (or FAILED) and is notified.
 */
export interface SharedKuromojiDictionary {
  files: Record<string, SharedArrayBuffer>;
  state: SharedArrayBuffer;
}

// Node 20 has Atomics.waitAsync (V8); the ES2022 lib this project compiles against does not declare it.
const waitAsync = (
  Atomics as unknown as {
    waitAsync(a: Int32Array, i: number, v: number): { value: Promise<string> | string };
  }
).waitAsync;

const LOADING = 0;
const READY = 1;
const FAILED = 2;

/** The empty buffers now; `filled` settles once every file is decompressed into them. */
export function loadSharedKuromojiDictionary(dir: string): {
  dictionary: SharedKuromojiDictionary;
  filled: Promise<void>;
} {
  const files: Record<string, SharedArrayBuffer> = {};
  for (const name of KUROMOJI_FILES) files[name] = new SharedArrayBuffer(gzipSize(join(dir, name)));
  const dictionary = { files, state: new SharedArrayBuffer(4) };
  const flag = new Int32Array(dictionary.state);
  const settle = (state: number) => {
    Atomics.store(flag, 0, state);
    Atomics.notify(flag, 0);
  };
  const filled = Promise.all(KUROMOJI_FILES.map((name) => gunzipInto(join(dir, name), files[name]!))).then(
    () => settle(READY),
    (err: unknown) => {
      settle(FAILED);
      throw new Error(`kuromoji dictionary at ${dir} failed to load: ${String(err)}`, { cause: err });
    },
  );
  return { dictionary, filled };
}

/** Resolves once the main thread has filled the buffers; rejects if it could not. */
export async function whenFilled(shared: SharedKuromojiDictionary): Promise<void> {
  const flag = new Int32Array(shared.state);
  while (Atomics.load(flag, 0) === LOADING) await waitAsync(flag, 0, LOADING).value;
  if (Atomics.load(flag, 0) === FAILED) throw new Error('the kuromoji dictionary failed to load');
}

/** Streams straight into the shared buffer: a whole-file gunzip and a copy would leave ~100 MB of freed buffers behind. */
async function gunzipInto(file: string, into: SharedArrayBuffer): Promise<void> {
  const out = new Uint8Array(into);
  let at = 0;
  const source = createReadStream(file, { highWaterMark: 1 << 20 }).pipe(
    createGunzip({ chunkSize: 1 << 20 }),
  );
  for await (const chunk of source) {
    const bytes = chunk as Buffer;
    if (at + bytes.byteLength > out.byteLength) throw new Error(`${file}: longer than its gzip trailer says`);
    out.set(bytes, at);
    at += bytes.byteLength;
  }
  if (at !== out.byteLength) throw new Error(`${file}: shorter than its gzip trailer says`);
}

/** The uncompressed size a gzip file records in its last four bytes (ISIZE; these files are far below 4 GiB). */
function gzipSize(file: string): number {
  const fd = openSync(file, 'r');
  try {
    const trailer = Buffer.alloc(4);
    readSync(fd, trailer, 0, 4, fstatSync(fd).size - 4);
    return trailer.readUInt32LE(0);
  } finally {
    closeSync(fd);
  }
}

/** A tokenizer over the filled shared buffers (see whenFilled); builds synchronously. */
export function sharedTokenizer(shared: SharedKuromojiDictionary): Tokenizer<IpadicFeatures> {
  const loader = new DictionaryLoader('');
  // An empty trie-id map (a zero count) for the loader; targetMap serves the real one.
  const emptyMap = new Uint8Array(4).buffer;
  loader.loadArrayBuffer = (file, callback) => {
    const name = file.split(/[\\/]/).pop()!;
    const buffer = name === 'tid_map.dat.gz' ? emptyMap : shared.files[name];
    if (buffer) callback(null, buffer);
    else callback(new Error(`kuromoji dictionary has no ${name}`));
  };
  let built: Tokenizer<IpadicFeatures> | undefined;
  let failure: Error | null = null;
  loader.load((err, dic) => {
    failure = err;
    if (err) return;
    dic.token_info_dictionary.target_map = targetMap(shared.files['tid_map.dat.gz']!);
    built = new KuromojiTokenizer(dic);
  });
  if (failure) throw failure;
  if (!built) throw new Error('kuromoji dictionary did not load synchronously');
  return built;
}

/**
 * kuromoji reads `target_map[trieId]` and iterates the ids. tid_map.dat is a count, then
 * (key, n, n ids)… as int32, each key once (kuromoji writes it from an object) and zero padding: a per-thread index
 * of where each key's ids start, and a read-only view per lookup.
 */
function targetMap(raw: SharedArrayBuffer): Record<number, ArrayLike<number>> {
  const ints = new Int32Array(raw, 0, Math.floor(raw.byteLength / 4));
  let maxKey = -1;
  for (let p = 1; p + 1 < ints.length; p += 2 + ints[p + 1]!) maxKey = Math.max(maxKey, ints[p]!);
  const at = new Int32Array(maxKey + 1).fill(-1);
  for (let p = 1; p + 1 < ints.length; p += 2 + ints[p + 1]!) {
    // The file ends in zero padding, read as empty entries of key 0 (kuromoji adds nothing for them).
    if (ints[p + 1] === 0) continue;
    if (at[ints[p]!] !== -1) throw new Error(`kuromoji tid_map.dat repeats trie id ${ints[p]}`);
    at[ints[p]!] = p;
  }
  return new Proxy({} as Record<number, ArrayLike<number>>, {
    get(_target, prop) {
      const k = typeof prop === 'string' ? Number(prop) : NaN;
      const p = Number.isInteger(k) && k >= 0 && k < at.length ? at[k]! : -1;
      return p < 0 ? undefined : ints.subarray(p + 2, p + 2 + ints[p + 1]!);
    },
  });
}
