import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { LocalObjectStore } from '../../src/store/objects/local.js';
import { ObjectNotFound, type ObjectStore } from '../../src/store/objects/object-store.js';
import { createObjectStore, openObjectStore } from '../../src/store/objects/open.js';
import type { S3ObjectStore } from '../../src/store/objects/s3.js';
import { removeDir } from '../helpers/server.js';
import { startS3, type TestS3 } from '../helpers/s3.js';

/**
 * The ObjectStore contract, run the same way against the data dir and a real S3-protocol server
 * through the AWS SDK: whole objects, sizes, ranges, folder removal, listing (with the age filter the
 * orphan sweep of a shared bucket relies on), key checks, and the bucket's own presigned GET.
 */
let s3: TestS3;
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'vr-objects-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await s3?.stop();
  for (const d of dirs) removeDir(d);
});

async function s3Store(prefix = 'installation-a'): Promise<S3ObjectStore> {
  const bucket = await s3.bucket();
  const { storage } = configSchema.parse({
    storage: { data_dir: tempDir(), backend: 's3', s3: { endpoint: s3.endpoint, bucket, prefix } },
  });
  storage.s3.access_key_id = s3.accessKeyId;
  storage.s3.secret_access_key_file = s3.secretFile(tempDir());
  return createObjectStore(storage) as S3ObjectStore;
}

const text = async (r: Readable) => {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const kinds: Array<[string, () => Promise<ObjectStore>]> = [
  ['local', () => Promise.resolve(new LocalObjectStore(tempDir()))],
  ['s3', () => s3Store()],
];

describe.each(kinds)('%s object store', (kind, make) => {
  it('stores whole objects and answers their size, content and byte ranges', async () => {
    const store = await make();
    expect(store.kind).toBe(kind);
    expect(await store.put('jobs/job_a/captions.vtt', 'WEBVTT\n\nhello', 'text/vtt')).toBe(13);
    const bytes = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await store.put('jobs/job_a/audio.wav', bytes, 'audio/wav')).toBe(10);
    expect(await store.size('jobs/job_a/audio.wav')).toBe(10);
    expect([...(await store.get('jobs/job_a/audio.wav'))]).toEqual([...bytes]);
    expect(await text(await store.read('jobs/job_a/captions.vtt'))).toBe('WEBVTT\n\nhello');
    expect(await text(await store.read('jobs/job_a/captions.vtt', { start: 8, end: 12 }))).toBe('hello');
    // A second put replaces the object whole.
    await store.put('jobs/job_a/captions.vtt', 'WEBVTT\n');
    expect(await store.size('jobs/job_a/captions.vtt')).toBe(7);
  });

  it('streams a local file in, and a missing file stores nothing', async () => {
    const store = await make();
    const file = join(tempDir(), 'reference.wav');
    writeFileSync(file, Buffer.alloc(300_000, 7));
    expect(await store.putFile('references/spk_a.wav', file, 'audio/wav')).toBe(300_000);
    expect(await store.size('references/spk_a.wav')).toBe(300_000);
    await expect(store.putFile('references/spk_b.wav', join(tempDir(), 'absent.wav'))).rejects.toThrow();
    expect(await store.size('references/spk_b.wav')).toBeUndefined();
    expect(await store.list('references')).toEqual(['references/spk_a.wav']);
  });

  it('says plainly when an object is not there', async () => {
    const store = await make();
    expect(await store.size('jobs/job_none/audio.wav')).toBeUndefined();
    await expect(store.get('jobs/job_none/audio.wav')).rejects.toBeInstanceOf(ObjectNotFound);
    await expect(store.read('jobs/job_none/audio.wav')).rejects.toBeInstanceOf(ObjectNotFound);
    await expect(store.remove('jobs/job_none')).resolves.toBeUndefined();
  });

  it('lists recursively, removes a job folder whole and nothing beside it', async () => {
    const store = await make();
    for (const key of [
      'jobs/job_a/audio.wav',
      'jobs/job_a/captions.vtt',
      'jobs/job_ab/audio.wav',
      'references/spk_a.wav',
    ])
      await store.put(key, 'x');
    expect((await store.list('jobs')).sort()).toEqual([
      'jobs/job_a/audio.wav',
      'jobs/job_a/captions.vtt',
      'jobs/job_ab/audio.wav',
    ]);
    await store.remove('jobs/job_a');
    expect(await store.list('jobs')).toEqual(['jobs/job_ab/audio.wav']);
    await store.remove('references/spk_a.wav');
    expect(await store.list('references')).toEqual([]);
    expect(await store.list('nothing-here')).toEqual([]);
  });

  it('lists only objects written before a time when asked (the shared sweep’s grace period)', async () => {
    const store = await make();
    await store.put('jobs/job_a/audio.wav', 'x');
    expect(await store.list('jobs', { modifiedBefore: Date.now() - 3_600_000 })).toEqual([]);
    expect(await store.list('jobs', { modifiedBefore: Date.now() + 60_000 })).toEqual([
      'jobs/job_a/audio.wav',
    ]);
  });

  it('refuses keys that could leave the data dir or the prefix', async () => {
    const store = await make();
    for (const key of ['../escape', 'jobs/../../escape', '/etc/passwd', 'jobs//a', '', 'jobs/./a']) {
      await expect(store.put(key, 'x'), key).rejects.toThrow(/not a valid object key/);
    }
  });
});

describe('local object store', () => {
  it('keeps files and folders private and leaves no temp name behind', async () => {
    const root = tempDir();
    const store = new LocalObjectStore(root);
    await store.put('jobs/job_a/audio.wav', 'x');
    await store.putFile('references/spk_a.wav', join(root, 'jobs/job_a/audio.wav'));
    expect(statSync(join(root, 'jobs')).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, 'jobs/job_a')).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, 'jobs/job_a/audio.wav')).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'references/spk_a.wav')).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(root, 'jobs/job_a'))).toEqual(['audio.wav']);
    // The last file of a job goes with its folder; the top-level folder stays.
    await store.remove('jobs/job_a/audio.wav');
    expect(readdirSync(join(root, 'jobs'))).toEqual([]);
  });

  it('has no presigned GET of its own: VoiceReel serves the file', () => {
    const store: ObjectStore = new LocalObjectStore(tempDir());
    expect(store.presignedGet).toBeUndefined();
  });
});

describe('s3 object store', () => {
  it('gives a presigned GET the bucket answers itself, with ranges, for 15 minutes', async () => {
    const store = await s3Store();
    await store.put('jobs/job_a/audio.wav', 'RIFF0123456789', 'audio/wav');
    const url = await store.presignedGet('jobs/job_a/audio.wav', 900, 'audio.wav');
    expect(url.startsWith(`${s3.endpoint}/`)).toBe(true);
    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(await whole.text()).toBe('RIFF0123456789');
    expect(whole.headers.get('content-type')).toBe('audio/wav');
    expect(whole.headers.get('content-disposition')).toBe('inline; filename="audio.wav"');
    const part = await fetch(url, { headers: { Range: 'bytes=4-7' } });
    expect(part.status).toBe(206);
    expect(await part.text()).toBe('0123');
    // Signed for this object alone, for the time asked (s3rver checks the key id, not V4 signatures).
    const query = new URL(url).searchParams;
    expect(new URL(url).pathname.endsWith('/installation-a/jobs/job_a/audio.wav')).toBe(true);
    expect(query.get('X-Amz-Expires')).toBe('900');
    expect(query.get('X-Amz-Credential')).toMatch(/^S3RVER\//);
  });

  it('keeps installations under their own prefixes in one bucket', async () => {
    const a = await s3Store('tenant-a');
    const bucket = a.bucket;
    const { storage } = configSchema.parse({
      storage: { backend: 's3', s3: { endpoint: s3.endpoint, bucket, prefix: 'tenant-b/' } },
    });
    storage.s3.access_key_id = s3.accessKeyId;
    storage.s3.secret_access_key_file = s3.secretFile(tempDir());
    const b = createObjectStore(storage);
    await a.put('jobs/job_a/audio.wav', 'a');
    await b.put('jobs/job_b/audio.wav', 'b');
    expect(await a.list('jobs')).toEqual(['jobs/job_a/audio.wav']);
    expect(await b.list('jobs')).toEqual(['jobs/job_b/audio.wav']);
    expect(await s3.keys(bucket)).toEqual(['tenant-a/jobs/job_a/audio.wav', 'tenant-b/jobs/job_b/audio.wav']);
  });

  it('refuses to open a bucket that is not there or credentials the service does not know', async () => {
    const secret = s3.secretFile(tempDir());
    const storage = (bucket: string, key: string) => {
      const s = configSchema.parse({
        storage: { backend: 's3', s3: { endpoint: s3.endpoint, bucket } },
      }).storage;
      s.s3.access_key_id = key;
      s.s3.secret_access_key_file = secret;
      return s;
    };
    await expect(openObjectStore(storage('no-such-bucket', s3.accessKeyId))).rejects.toThrow(
      /bucket "no-such-bucket" cannot be used: .*404/,
    );
    const bucket = await s3.bucket();
    await expect(openObjectStore(storage(bucket, 'NOT-A-KEY'))).rejects.toThrow(/cannot be used: .*403/);
    await expect(openObjectStore(storage(bucket, s3.accessKeyId))).resolves.toMatchObject({ kind: 's3' });
  });
});
