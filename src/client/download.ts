import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface ByteRange {
  /** First byte (inclusive). */
  start: number;
  /** Last byte (inclusive); open-ended when absent. */
  end?: number;
}

export function rangeHeader(range: ByteRange | undefined): Record<string, string> {
  return range ? { Range: `bytes=${range.start}-${range.end ?? ''}` } : {};
}

/**
 * Streams a response body to a file through a temporary name beside it, renamed once complete, so a
 * failed download never leaves a half-written file under the wanted name.
 */
export async function writeBodyToFile(res: Response, file: string): Promise<number> {
  if (!res.body) throw new Error('The answer has no body');
  const partial = `${file}.part-${process.pid}-${Date.now()}`;
  let bytes = 0;
  const counted = Readable.fromWeb(res.body as never).on('data', (c: Buffer) => (bytes += c.length));
  try {
    await pipeline(counted, createWriteStream(partial));
    await rename(partial, file);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  return bytes;
}
