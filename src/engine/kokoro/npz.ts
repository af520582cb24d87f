import { inflateRawSync } from 'node:zlib';

/**
 * NumPy's .npz (a zip of .npy arrays, what `numpy.savez` writes and Kokoro's voices-v1.0.bin is),
 * read without a zip library: the central directory names each member and where it lies; members
 * are stored or deflated. Only little-endian float32 arrays in C order are accepted — the voices
 * table's type — and anything else is refused with the member's name.
 */
export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

export function readNpz(buf: Buffer, file: string): Map<string, NpyArray> {
  const eocd = findEndOfCentralDirectory(buf, file);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = new Map<string, NpyArray>();
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${file}: damaged zip directory`);
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (compressed === 0xffffffff || local === 0xffffffff)
      throw new Error(`${file}: ${name} is a zip64 member, which this reader does not take`);
    if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error(`${file}: damaged entry ${name}`);
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataStart, dataStart + compressed);
    const bytes = method === 0 ? raw : method === 8 ? inflateRawSync(raw) : undefined;
    if (!bytes) throw new Error(`${file}: ${name} uses zip method ${method} (stored or deflate expected)`);
    out.set(name.replace(/\.npy$/, ''), readNpy(bytes, `${file}:${name}`));
  }
  return out;
}

function findEndOfCentralDirectory(buf: Buffer, file: string): number {
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--)
    if (buf.readUInt32LE(i) === 0x06054b50) return i;
  throw new Error(`${file}: not a zip/npz file`);
}

/** One .npy array: magic, version, header dict (descr, fortran_order, shape), then the data. */
export function readNpy(bytes: Buffer, name: string): NpyArray {
  if (bytes.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${name}: not a .npy array`);
  const major = bytes[6]!;
  const headerLen = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = bytes.toString('latin1', headerStart, headerStart + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr !== '<f4' || fortran !== 'False' || shapeText === undefined)
    throw new Error(`${name}: expected a little-endian float32 array in C order (${header.trim()})`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const start = headerStart + headerLen;
  if (bytes.length - start < n * 4) throw new Error(`${name}: data shorter than its shape says`);
  // Copied into an aligned buffer: the member may start at any byte offset.
  const data = new Float32Array(n);
  Buffer.from(data.buffer).set(bytes.subarray(start, start + n * 4));
  return { shape, data };
}
