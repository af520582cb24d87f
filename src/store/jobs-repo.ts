import type { Db } from './db.js';

export type JobType = 'synthesize' | 'register_speaker';
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';

export interface JobRow {
  id: string;
  project: string;
  key_id: string;
  type: JobType;
  status: JobStatus;
  progress: number;
  payload_json: string;
  result_json: string | null;
  error_code: string | null;
  error_message: string | null;
  attempts: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export class JobsRepo {
  constructor(private readonly db: Db) {}

  insert(job: Pick<JobRow, 'id' | 'project' | 'key_id' | 'type' | 'payload_json' | 'created_at'>): void {
    this.db
      .prepare(
        `INSERT INTO jobs (id, project, key_id, type, status, payload_json, created_at)
         VALUES (@id, @project, @key_id, @type, 'queued', @payload_json, @created_at)`,
      )
      .run(job);
  }

  get(id: string, project?: string): JobRow | undefined {
    return (
      project === undefined
        ? this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id)
        : this.db.prepare('SELECT * FROM jobs WHERE id = ? AND project = ?').get(id, project)
    ) as JobRow | undefined;
  }

  /** Jobs that count against the queue depth limit. */
  activeCount(): number {
    return this.db
      .prepare("SELECT COUNT(*) FROM jobs WHERE status IN ('queued', 'running')")
      .pluck()
      .get() as number;
  }

  /** Characters of a key's synthesis jobs not finished yet: they count against its quota already. */
  pendingCharacters(keyId: string): number {
    return this.db
      .prepare(
        `SELECT COALESCE(SUM(json_extract(payload_json, '$.characters')), 0) FROM jobs
         WHERE key_id = ? AND type = 'synthesize' AND status IN ('queued', 'running')`,
      )
      .pluck()
      .get(keyId) as number;
  }

  /** Atomically takes the oldest queued job; the UPDATE's WHERE makes a double claim impossible. */
  claimNext(at: number): JobRow | undefined {
    return this.db
      .prepare(
        `UPDATE jobs SET status = 'running', started_at = ?, attempts = attempts + 1, progress = 0
         WHERE id = (SELECT id FROM jobs WHERE status = 'queued' ORDER BY created_at, rowid LIMIT 1)
           AND status = 'queued'
         RETURNING *`,
      )
      .get(at) as JobRow | undefined;
  }

  setProgress(id: string, progress: number): void {
    this.db.prepare("UPDATE jobs SET progress = ? WHERE id = ? AND status = 'running'").run(progress, id);
  }

  /** Finishing only moves a running job: a job canceled meanwhile stays canceled. */
  succeed(id: string, result: unknown, at: number): boolean {
    return (
      this.db
        .prepare(
          `UPDATE jobs SET status = 'succeeded', progress = 1, result_json = ?, finished_at = ?
           WHERE id = ? AND status = 'running'`,
        )
        .run(JSON.stringify(result), at, id).changes > 0
    );
  }

  fail(id: string, code: string, message: string, at: number): boolean {
    return (
      this.db
        .prepare(
          `UPDATE jobs SET status = 'failed', error_code = ?, error_message = ?, finished_at = ?
           WHERE id = ? AND status IN ('queued', 'running')`,
        )
        .run(code, message, at, id).changes > 0
    );
  }

  /** Cancels a queued or running job; the row as canceled, or undefined when it had already finished. */
  cancel(id: string, at: number): JobRow | undefined {
    return this.db
      .prepare(
        `UPDATE jobs SET status = 'canceled', error_code = 'CANCELED', error_message = 'Canceled by request.',
           finished_at = ? WHERE id = ? AND status IN ('queued', 'running') RETURNING *`,
      )
      .get(at, id) as JobRow | undefined;
  }

  /** A running job given back to the queue (graceful stop, or recovery after a crash). */
  requeue(id: string): void {
    this.db
      .prepare(
        "UPDATE jobs SET status = 'queued', started_at = NULL, progress = 0 WHERE id = ? AND status = 'running'",
      )
      .run(id);
  }

  /** Rows per type and status, for /metrics (the jobs_status_created index keeps it cheap). */
  countsByTypeAndStatus(): Array<{ type: JobType; status: JobStatus; count: number }> {
    return this.db
      .prepare('SELECT type, status, COUNT(*) AS count FROM jobs GROUP BY status, type')
      .all() as Array<{ type: JobType; status: JobStatus; count: number }>;
  }

  running(): JobRow[] {
    return this.db.prepare("SELECT * FROM jobs WHERE status = 'running'").all() as JobRow[];
  }

  queuedForSpeaker(speakerId: string): JobRow[] {
    return this.db
      .prepare(
        `SELECT * FROM jobs WHERE type = 'register_speaker' AND status IN ('queued', 'running')
           AND json_extract(payload_json, '$.speaker_id') = ?`,
      )
      .all(speakerId) as JobRow[];
  }
}
