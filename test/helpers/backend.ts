import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { inject } from 'vitest';
import { createDatabase } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by the backends run (vitest.backends.config.ts): the PostgreSQL cluster every server uses. */
    pgBase?: string;
    /** Set by the backends run: the S3-protocol server every server keeps its objects on. */
    s3Endpoint?: string;
  }
}

/** What the run provided; nothing outside vitest (the benchmarks start test servers too). */
function provided<K extends 'pgBase' | 's3Endpoint'>(key: K): string | undefined {
  try {
    return inject(key);
  } catch {
    return undefined;
  }
}

/** s3rver's one account (test/helpers/s3.ts). */
const S3_KEY = 'S3RVER';

/** The API suite runs once as configured by default (SQLite, local disk) and once on PostgreSQL + S3. */
export function usingPostgres(): boolean {
  return provided('pgBase') !== undefined;
}

export function usingS3(): boolean {
  return provided('s3Endpoint') !== undefined;
}

interface Backing {
  url: string;
  bucket?: string;
}

const backings = new Map<string, Backing>();
let s3: S3Client | undefined;

function s3Client(endpoint: string): S3Client {
  return (s3 ??= new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: S3_KEY, secretAccessKey: S3_KEY },
  }));
}

/** A server's database and bucket, made at its first start and the same for a restart on its data dir. */
async function backingOf(dataDir: string, pgBase: string, endpoint: string | undefined): Promise<Backing> {
  let b = backings.get(dataDir);
  if (b) return b;
  b = { url: await createDatabase(pgBase) };
  if (endpoint) {
    b.bucket = `vr-${Math.random().toString(16).slice(2, 12)}`;
    await s3Client(endpoint).send(new CreateBucketCommand({ Bucket: b.bucket }));
  }
  backings.set(dataDir, b);
  return b;
}

/**
 * A test server's config in the backends run: its own database on the shared PostgreSQL cluster
 * and its own bucket on the S3 server, merged into whatever the test set. Outside that run, or for a
 * config that is not TOML (a test of a refused config), the text is left as it is.
 */
export async function withBackend(toml: string | undefined, dataDir: string): Promise<string | undefined> {
  const pgBase = provided('pgBase');
  if (pgBase === undefined) return toml;
  let config: Record<string, unknown>;
  try {
    config = parseToml(toml ?? '') as Record<string, unknown>;
  } catch {
    return toml;
  }
  const endpoint = provided('s3Endpoint');
  const b = await backingOf(dataDir, pgBase, endpoint);
  config.database = { ...(config.database as object | undefined), url: b.url };
  if (endpoint && b.bucket) {
    const secret = join(dataDir, 's3-secret');
    writeFileSync(secret, `${S3_KEY}\n`, { mode: 0o600 });
    config.storage = {
      ...(config.storage as object | undefined),
      backend: 's3',
      s3: { endpoint, bucket: b.bucket, access_key_id: S3_KEY, secret_access_key_file: secret },
    };
  }
  return stringifyToml(config);
}

/**
 * Names of the objects a server stores under `folder` (`references`, `jobs/<id>`): files of its data
 * dir, or keys in its bucket in the backends run.
 */
export async function storedObjects(dataDir: string, folder: string): Promise<string[]> {
  const bucket = backings.get(dataDir)?.bucket;
  const endpoint = provided('s3Endpoint');
  if (!bucket || !endpoint) {
    const dir = join(dataDir, folder);
    return existsSync(dir) ? readdirSync(dir) : [];
  }
  const page = await s3Client(endpoint).send(
    new ListObjectsV2Command({ Bucket: bucket, Prefix: `${folder}/` }),
  );
  const names = (page.Contents ?? []).map((o) => (o.Key ?? '').slice(folder.length + 1));
  // As readdir: the entries directly inside, a folder named once.
  return [...new Set(names.map((n) => n.split('/')[0] ?? n))];
}
