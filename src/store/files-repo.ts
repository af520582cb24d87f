import type { Sql } from './sql/client.js';

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
  constructor(private readonly sql: Sql) {}

  async insert(row: FileRow): Promise<void> {
    await this.sql.run(
      `INSERT INTO files (id, job_id, project, kind, rel_path, content_type, bytes, created_at, expires_at)
       VALUES (@id, @job_id, @project, @kind, @rel_path, @content_type, @bytes, @created_at, @expires_at)`,
      row,
    );
  }

  get(id: string): Promise<FileRow | undefined> {
    return this.sql.one<FileRow>('SELECT * FROM files WHERE id = ?', [id]);
  }

  forJob(jobId: string): Promise<FileRow[]> {
    return this.sql.all<FileRow>('SELECT * FROM files WHERE job_id = ? ORDER BY id', [jobId]);
  }

  /** Every stored job file path: the start-up orphan sweep keeps these and nothing else under jobs/. */
  async allPaths(): Promise<string[]> {
    const rows = await this.sql.all<{ rel_path: string }>('SELECT rel_path FROM files');
    return rows.map((r) => r.rel_path);
  }

  expired(at: number): Promise<FileRow[]> {
    return this.sql.all<FileRow>('SELECT * FROM files WHERE expires_at IS NOT NULL AND expires_at <= ?', [
      at,
    ]);
  }

  async delete(id: string): Promise<void> {
    await this.sql.run('DELETE FROM files WHERE id = ?', [id]);
  }

  async deleteForJob(jobId: string): Promise<void> {
    await this.sql.run('DELETE FROM files WHERE job_id = ?', [jobId]);
  }
}
