import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { checkKey, ObjectNotFound, type ObjectStore } from './object-store.js';

/** The largest object one PUT may carry (S3's own limit); VoiceReel's objects are far smaller. */
export const MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;

/**
 * Objects in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW), under an optional key prefix, shared
 * by every node. Each object is written by one PUT, which S3 makes visible whole or not at all, so
 * no reader ever sees half an object.
 */
export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3';

  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    /** Key prefix without a trailing slash; empty: the bucket's root. */
    private readonly prefix: string,
  ) {}

  /** Resolves when the bucket answers with these credentials; rejects with the service's reason. */
  async reachable(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  async put(key: string, data: Uint8Array | string, contentType?: string): Promise<number> {
    const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.full(key),
        Body: body,
        ContentLength: body.byteLength,
        ContentType: contentType,
      }),
    );
    return body.byteLength;
  }

  async putFile(key: string, file: string, contentType?: string): Promise<number> {
    const { size } = await stat(file);
    if (size > MAX_SINGLE_PUT_BYTES) throw new Error(`${file} is larger than one PUT may carry`);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.full(key),
        Body: createReadStream(file),
        ContentLength: size,
        ContentType: contentType,
      }),
    );
    return size;
  }

  async get(key: string): Promise<Uint8Array> {
    const out = await this.fetch(key);
    return out.transformToByteArray();
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.full(key) }),
      );
      return head.ContentLength;
    } catch (err) {
      if (notFound(err)) return undefined;
      throw err;
    }
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const body = await this.fetch(key, range);
    // In Node the SDK's body is the HTTP response itself, a Readable.
    return body instanceof Readable ? body : Readable.from(await body.transformToByteArray());
  }

  async remove(key: string): Promise<void> {
    const nested = await this.list(key);
    for (let i = 0; i < nested.length; i += 1000) {
      const batch = nested.slice(i, i + 1000).map((k) => ({ Key: this.full(k) }));
      const out = await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch, Quiet: true } }),
      );
      const failed = out.Errors?.[0];
      if (failed) throw new Error(`could not delete ${failed.Key ?? key}: ${failed.Code ?? 'error'}`);
    }
    // Deleting a key that is not there succeeds on S3: a file already gone is no error.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.full(key) }));
  }

  async list(prefix: string, options: { modifiedBefore?: number } = {}): Promise<string[]> {
    const keys: string[] = [];
    const from = `${this.full(prefix)}/`;
    const strip = this.prefix ? this.prefix.length + 1 : 0;
    for await (const page of paginateListObjectsV2(
      { client: this.client },
      { Bucket: this.bucket, Prefix: from },
    )) {
      for (const o of page.Contents ?? []) {
        if (!o.Key) continue;
        const at = o.LastModified?.getTime() ?? 0;
        if (options.modifiedBefore === undefined || at < options.modifiedBefore)
          keys.push(o.Key.slice(strip));
      }
    }
    return keys;
  }

  /** The bucket's own GET URL for the object, valid `ttlSeconds`, served with this file name. */
  presignedGet(key: string, ttlSeconds: number, downloadName: string): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: this.full(key),
      ResponseContentDisposition: `inline; filename="${downloadName.replace(/["\\\r\n]/g, '_')}"`,
    });
    return getSignedUrl(this.client, command, { expiresIn: ttlSeconds });
  }

  private full(key: string): string {
    checkKey(key);
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  private async fetch(key: string, range?: { start: number; end: number }) {
    try {
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: this.full(key),
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      if (!out.Body) throw new ObjectNotFound(key);
      return out.Body;
    } catch (err) {
      throw notFound(err) ? new ObjectNotFound(key) : err;
    }
  }
}

function notFound(err: unknown): boolean {
  return (
    err instanceof S3ServiceException && (err.$metadata.httpStatusCode === 404 || err.name === 'NoSuchKey')
  );
}
