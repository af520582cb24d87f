import { statSync } from 'node:fs';
import { errors } from '../errors.js';
import type { FilesRepo } from '../store/files-repo.js';
import type { FileStore } from './file-store.js';
import type { Presigner } from './presign.js';

export interface Download {
  path: string;
  size: number;
  contentType: string;
  name: string;
}

/**
 * Presigned downloads. The URL names a file id; the path on disk comes from the database, so no URL
 * can reach another file. An expired link, an unknown id and a file gone from disk all read 404.
 */
export class DownloadService {
  constructor(
    private readonly presigner: Presigner,
    private readonly rows: Pick<FilesRepo, 'get'>,
    private readonly files: Pick<FileStore, 'resolve'>,
  ) {}

  async open(id: string, exp: unknown, sig: unknown): Promise<Download> {
    if (!this.presigner.verify(id, exp, sig)) throw errors.notFound('File (or the link expired)');
    const file = await this.rows.get(id);
    if (!file) throw errors.notFound('File');
    const path = this.files.resolve(file.rel_path);
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      throw errors.notFound('File');
    }
    return { path, size, contentType: file.content_type, name: file.rel_path.split('/').pop() ?? id };
  }
}
