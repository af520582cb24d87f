import { readFileSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { ConfigError } from '../../config/loader.js';
import type { Config } from '../../config/schema.js';
import type { S3StorageConfig } from '../../config/storage.js';
import { LocalObjectStore } from './local.js';
import type { ObjectStore } from './object-store.js';
import { S3ObjectStore } from './s3.js';

export type StorageConfig = Pick<Config['storage'], 'backend' | 'data_dir' | 's3'>;

/**
 * The configured object store, not yet contacted: the data dir, or the bucket with its credentials
 * (a secret file that cannot be read fails here, naming the key).
 */
export function createObjectStore(storage: StorageConfig): LocalObjectStore | S3ObjectStore {
  if (storage.backend === 'local') return new LocalObjectStore(storage.data_dir);
  return new S3ObjectStore(s3Client(storage.s3), storage.s3.bucket, storage.s3.prefix);
}

/** The object store the server runs on; a bucket that does not answer stops start-up, saying why. */
export async function openObjectStore(storage: StorageConfig): Promise<ObjectStore> {
  const objects = createObjectStore(storage);
  if (objects instanceof S3ObjectStore) {
    await objects.reachable().catch((err: unknown) => {
      throw new Error(`[storage.s3] bucket "${objects.bucket}" cannot be used: ${describeS3Error(err)}`);
    });
  }
  return objects;
}

/** One line for an S3 failure: the service's error name and HTTP status, or the network error. */
export function describeS3Error(err: unknown): string {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  const name = e.name && e.name !== 'Error' ? e.name : '';
  const message = e.message && e.message !== 'UnknownError' ? e.message : '';
  return [name, status ? `HTTP ${status}` : '', message].filter(Boolean).join(', ') || String(err);
}

function s3Client(s3: S3StorageConfig): S3Client {
  return new S3Client({
    region: s3.region,
    ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
    forcePathStyle: s3.force_path_style,
    ...(s3.access_key_id
      ? {
          credentials: {
            accessKeyId: s3.access_key_id,
            secretAccessKey: secretKey(s3.secret_access_key_file),
          },
        }
      : {}),
    // Checksums only where S3 requires them: S3-compatible services vary in the newer trailers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // An unreachable service fails a request in seconds rather than hanging the job that writes.
    requestHandler: { connectionTimeout: 10_000 },
  });
}

function secretKey(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `"storage.s3.secret_access_key_file": cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const secret = text.replace(/\r?\n$/, '');
  if (secret === '') throw new ConfigError(`"storage.s3.secret_access_key_file": ${file} is empty`);
  return secret;
}
