import { randomBytes } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';

/** Audio to upload: a file path, bytes, a Blob, or a stream (Node or web) read once into memory. */
export type UploadSource =
  string | Uint8Array | ArrayBuffer | Blob | NodeJS.ReadableStream | ReadableStream<Uint8Array>;

export interface UploadFile {
  source: UploadSource;
  /** File name sent with the part (default: the path's base name, else `audio`). */
  filename?: string;
  contentType?: string;
}

async function collect(stream: NodeJS.ReadableStream | ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const iterable =
    stream instanceof ReadableStream ? Readable.fromWeb(stream as never) : (stream as AsyncIterable<unknown>);
  for await (const chunk of iterable as AsyncIterable<Uint8Array | string>) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * A path becomes a Blob backed by the file (read lazily, so it can be hashed and re-sent on a retry
 * without holding it in memory); a stream is read once, since a retry must send it again.
 */
export async function toBlob(source: UploadSource): Promise<Blob> {
  if (typeof source === 'string') return openAsBlob(source);
  if (source instanceof Blob) return source;
  if (source instanceof Uint8Array || source instanceof ArrayBuffer)
    return new Blob([source as Uint8Array<ArrayBuffer>]);
  return new Blob([(await collect(source)) as Uint8Array<ArrayBuffer>]);
}

/** The multipart/form-data body, built by hand so its exact bytes can be hashed for a signature. */
export async function multipartBody(
  fields: Record<string, string | undefined>,
  fileField: string,
  file: UploadFile,
): Promise<{ body: Blob; contentType: string }> {
  const boundary = `----voicereel${randomBytes(12).toString('hex')}`;
  const parts: Array<string | Blob> = [];
  const quote = (s: string) => s.replace(/["\r\n\\]/g, (c) => encodeURIComponent(c));
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`);
  }
  const filename = file.filename ?? (typeof file.source === 'string' ? basename(file.source) : 'audio');
  parts.push(
    `--${boundary}\r\nContent-Disposition: form-data; name="${quote(fileField)}"; filename="${quote(filename)}"\r\n` +
      `Content-Type: ${file.contentType ?? 'application/octet-stream'}\r\n\r\n`,
    await toBlob(file.source),
    `\r\n--${boundary}--\r\n`,
  );
  return { body: new Blob(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
