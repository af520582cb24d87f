import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';

/**
 * A real S3-protocol server (the `s3rver` package) in its own process, on a free loopback port, with
 * its objects in a temp dir, for one test file. It checks request signatures against its one account
 * (access key `S3RVER`, secret `S3RVER`); everything talks to it through the official AWS SDK.
 */
export interface TestS3 {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** An SDK client of the test's own (path-style, the server's account). */
  client: S3Client;
  /** Makes a new bucket and returns its name. */
  bucket(name?: string): Promise<string>;
  /** Keys in `bucket` under `prefix` (the whole key, prefix included). */
  keys(bucket: string, prefix?: string): Promise<string[]>;
  /** A 0600 file in `dir` holding the secret key, for `secret_access_key_file`. */
  secretFile(dir: string): string;
  /**
   * The `[storage]` and `[storage.s3]` TOML of a node on `bucket`, secret read from `secretFile`;
   * `storage` adds lines to the `[storage]` table (retention, say).
   */
  toml(opts: {
    bucket: string;
    secretFile: string;
    prefix?: string;
    downloads?: string;
    storage?: string;
  }): string;
  /**
   * Makes an object look written `ms` ago: the server keeps each object as a file and reports its
   * mtime as Last-Modified, so a test can have an old object without waiting for one.
   */
  backdate(bucket: string, key: string, ms: number): void;
  stop(): Promise<void>;
}

const ACCESS_KEY = 'S3RVER';
const SECRET_KEY = 'S3RVER';

export async function startS3(): Promise<TestS3> {
  const dir = mkdtempSync(join(tmpdir(), 'vr-s3-'));
  const require = createRequire(import.meta.url);
  const bin = join(dirname(require.resolve('s3rver/package.json')), 'bin', 's3rver.js');
  const proc = spawn(
    process.execPath,
    [bin, '--directory', dir, '--address', '127.0.0.1', '--port', '0', '--silent', '--no-vhost-buckets'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const port = await listeningPort(proc);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
  });
  const exited = new Promise<void>((r) => proc.once('close', () => r()));
  return {
    endpoint,
    accessKeyId: ACCESS_KEY,
    secretAccessKey: SECRET_KEY,
    client,
    async bucket(name = `vr-${randomBytes(6).toString('hex')}`) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
      return name;
    },
    async keys(bucket, prefix = '') {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
        token = page.NextContinuationToken;
      } while (token);
      return keys.sort();
    },
    secretFile(at) {
      const file = join(at, 's3-secret');
      writeFileSync(file, `${SECRET_KEY}\n`, { mode: 0o600 });
      return file;
    },
    toml({ bucket, secretFile, prefix = '', downloads = 'proxy', storage = '' }) {
      return [
        '[storage]',
        'backend = "s3"',
        storage,
        '[storage.s3]',
        `endpoint = "${endpoint}"`,
        `bucket = "${bucket}"`,
        `prefix = "${prefix}"`,
        `access_key_id = "${ACCESS_KEY}"`,
        `secret_access_key_file = "${secretFile}"`,
        `downloads = "${downloads}"`,
        '',
      ].join('\n');
    },
    backdate(bucket, key, ms) {
      const parts = key.split('/');
      const file = join(dir, bucket, ...parts.slice(0, -1), `${parts.at(-1) ?? ''}._S3rver_object`);
      const at = new Date(Date.now() - ms);
      utimesSync(file, at, at);
    },
    async stop() {
      client.destroy();
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The port s3rver prints once it listens ("S3rver listening on 127.0.0.1:PORT"). */
function listeningPort(proc: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`s3rver did not start:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on [^:\s]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with ${code}:\n${out}`));
    });
  });
}
