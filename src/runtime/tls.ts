import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/**
 * Reads `[tls] cert` and `key` (PEM files) once at start-up; none configured means plain HTTP.
 * A missing or unreadable file, or a key that does not belong to the certificate, stops start-up
 * with a message naming the key, before anything else is opened.
 */
export function readTlsFiles(tls: { cert: string; key: string }): TlsFiles | undefined {
  if (!tls.cert && !tls.key) return undefined;
  const files = { cert: readPem('tls.cert', tls.cert), key: readPem('tls.key', tls.key) };
  try {
    createSecureContext(files);
  } catch (err) {
    throw new Error(
      `tls.cert (${tls.cert}) and tls.key (${tls.key}) are not a usable PEM certificate and its private key: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return files;
}

function readPem(name: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new Error(`cannot read ${name} file ${path}: ${code}`, { cause: err });
  }
}
