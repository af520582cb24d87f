import type { Db } from './db.js';

export interface FileRow {
  id: string;
  job_id: string;
  project: string;
  kind: 'audio' | 'captions';
  rel_path: string;
  content_type: string;
  bytes: number;
  created_at: number;
  expires_at: number | null;
}

export class FilesRepo {
  constructor(private readonly db: Db) {}

  insert(row: FileRow): void {
    this.db
      .prepare(
        `INSERT INTO files (id, job_id, project, kind, rel_path, content_type, bytes, created_at, expires_at)
         VALUES (@id, @job_id, @project, @kind, @rel_path, @content_type, @bytes, @created_at, @expires_at)`,
      )
      .run(row);
  }

  get(id: string): FileRow | undefined {
    return this.db.prepare('SELECT * FROM files WHERE id = ?').get(id) as FileRow | undefined;
  }

  forJob(jobId: string): FileRow[] {
    return this.db.prepare('SELECT * FROM files WHERE job_id = ?').all(jobId) as FileRow[];
  }

  /** Every stored job file path: the start-up orphan sweep keeps these and nothing else under jobs/. */
  allPaths(): string[] {
    return this.db.prepare('SELECT rel_path FROM files').pluck().all() as string[];
  }

  expired(at: number): FileRow[] {
    return this.db
      .prepare('SELECT * FROM files WHERE expires_at IS NOT NULL AND expires_at <= ?')
      .all(at) as FileRow[];
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM files WHERE id = ?').run(id);
  }

  deleteForJob(jobId: string): void {
    this.db.prepare('DELETE FROM files WHERE job_id = ?').run(jobId);
  }
}
