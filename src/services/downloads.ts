import type { Readable } from 'node:stream';
import { errors } from '../errors.js';
import type { FilesRepo } from '../store/files-repo.js';
import { ObjectNotFound, type ObjectStore } from '../store/objects/object-store.js';
import type { Presigner } from './presign.js';

/** The bytes of a stored file, read whole or by range from the object store. */
export interface FileBytes {
  kind: 'bytes';
  size: number;
  contentType: string;
  name: string;
  read(range?: { start: number; end: number }): Promise<Readable>;
}

/** `[storage.s3] downloads = "presigned"`: the bucket's own short-lived URL for the file. */
export interface FileRedirect {
  kind: 'redirect';
  url: string;
}

export type Download = FileBytes | FileRedirect;

/** How long the bucket's own URL lives: minted at each download, it only has to outlast the start. */
export const BUCKET_URL_TTL_SECONDS = 15 * 60;

/**
 * Presigned downloads. The URL names a file id; the object's key comes from the database, so no URL
 * can reach another file. An expired link, an unknown id and a file gone from storage all read 404.
 */
export class DownloadService {
  constructor(
    private readonly presigner: Presigner,
    private readonly rows: Pick<FilesRepo, 'get'>,
    private readonly objects: ObjectStore,
    /** Redirect to the object store's own presigned GET instead of streaming through this node. */
    private readonly redirect = false,
  ) {}

  async open(id: string, exp: unknown, sig: unknown): Promise<Download> {
    if (!this.presigner.verify(id, exp, sig)) throw errors.notFound('File (or the link expired)');
    const file = await this.rows.get(id);
    if (!file) throw errors.notFound('File');
    const key = file.rel_path;
    const size = await this.objects.size(key);
    if (size === undefined) throw errors.notFound('File');
    const name = key.split('/').pop() ?? id;
    if (this.redirect && this.objects.presignedGet) {
      return { kind: 'redirect', url: await this.objects.presignedGet(key, BUCKET_URL_TTL_SECONDS, name) };
    }
    return {
      kind: 'bytes',
      size,
      contentType: file.content_type,
      name,
      read: (range) =>
        this.objects.read(key, range).catch((err: unknown) => {
          // Deleted between the size and the read (the retention sweep): the same 404.
          throw err instanceof ObjectNotFound ? errors.notFound('File') : err;
        }),
    };
  }
}
