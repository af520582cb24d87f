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
  /** Where a signed webhook goes when the job finishes (see webhook-deliveries-repo.ts). */
  callback_url: string | null;
}

/** A page of GET /v1/jobs: newest first; `after` is the last row of the previous page. */
export interface JobListFilter {
  project?: string;
  status?: JobStatus;
  type?: JobType;
  createdAfter?: number;
  createdBefore?: number;
  after?: { created_at: number; id: string };
  limit: number;
}

export interface ActiveJobCounts {
  total: number;
  project: number;
  key: number;
}

/** The project whose turn it is (see claimNext); projects never served come first, oldest job first. */
const PICK_PROJECT = `
  SELECT q.project
  FROM (SELECT project, MIN(created_at) AS oldest FROM jobs WHERE status = 'queued' GROUP BY project) q
  LEFT JOIN (SELECT project, COUNT(*) AS n FROM jobs WHERE status = 'running' GROUP BY project) r
    ON r.project = q.project
  LEFT JOIN queue_turns t ON t.project = q.project
  ORDER BY COALESCE(r.n, 0), COALESCE(t.last_turn, 0), q.oldest, q.project
  LIMIT 1`;

export class JobsRepo {
  constructor(private readonly db: Db) {}

  insert(
    job: Pick<JobRow, 'id' | 'project' | 'key_id' | 'type' | 'payload_json' | 'created_at'> &
      Partial<Pick<JobRow, 'callback_url'>>,
  ): void {
    this.db
      .prepare(
        `INSERT INTO jobs (id, project, key_id, type, status, payload_json, created_at, callback_url)
         VALUES (@id, @project, @key_id, @type, 'queued', @payload_json, @created_at, @callback_url)`,
      )
      .run({ ...job, callback_url: job.callback_url ?? null });
  }

  get(id: string, project?: string): JobRow | undefined {
    return (
      project === undefined
        ? this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id)
        : this.db.prepare('SELECT * FROM jobs WHERE id = ? AND project = ?').get(id, project)
    ) as JobRow | undefined;
  }

  list(f: JobListFilter): JobRow[] {
    const where: string[] = [];
    const args: Record<string, unknown> = { limit: f.limit };
    const add = (sql: string, name: string, value: unknown) => {
      if (value === undefined) return;
      where.push(sql);
      args[name] = value;
    };
    add('project = @project', 'project', f.project);
    add('status = @status', 'status', f.status);
    add('type = @type', 'type', f.type);
    add('created_at > @createdAfter', 'createdAfter', f.createdAfter);
    add('created_at < @createdBefore', 'createdBefore', f.createdBefore);
    if (f.after) {
      // Keyset paging: rows strictly older than the last one shown, ties on created_at broken by id.
      where.push('(created_at < @afterAt OR (created_at = @afterAt AND id < @afterId))');
      args.afterAt = f.after.created_at;
      args.afterId = f.after.id;
    }
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY created_at DESC, id DESC LIMIT @limit`;
    return this.db.prepare(sql).all(args) as JobRow[];
  }

  /** Jobs queued or running in all, of one project and of one key: what admission limits. */
  activeCounts(project: string, keyId: string): ActiveJobCounts {
    return this.db
      .prepare(
        `SELECT COUNT(*) AS total, COALESCE(SUM(project = ?), 0) AS project, COALESCE(SUM(key_id = ?), 0) AS key
         FROM jobs WHERE status IN ('queued', 'running')`,
      )
      .get(project, keyId) as ActiveJobCounts;
  }

  /** Mean run time, in seconds, of the last `count` jobs that finished after running; null before any. */
  recentRunSeconds(count = 20): number | null {
    return this.db
      .prepare(
        // The unary + keeps SQLite off the status index: it would read every finished job, whereas
        // walking jobs_finished from its end stops after `count` rows.
        `SELECT AVG(finished_at - started_at) / 1000.0 FROM (
           SELECT finished_at, started_at FROM jobs
           WHERE finished_at IS NOT NULL AND +status IN ('succeeded', 'failed') AND started_at IS NOT NULL
           ORDER BY finished_at DESC LIMIT ?)`,
      )
      .pluck()
      .get(count) as number | null;
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

  /**
   * Takes the next job, fairly across projects: the project with the fewest running jobs, among those
   * the one served longest ago (queue_turns, kept in the database so the order survives restarts),
   * and its oldest queued job. One project's backlog never holds back another project's job, and a
   * project's own jobs still run in the order they came. One IMMEDIATE transaction: pick, claim and
   * turn are written together, and the UPDATE's WHERE makes a double claim impossible.
   */
  claimNext(at: number): JobRow | undefined {
    return this.db
      .transaction(() => {
        const project = this.db.prepare(PICK_PROJECT).pluck().get() as string | undefined;
        if (project === undefined) return undefined;
        const job = this.db
          .prepare(
            `UPDATE jobs SET status = 'running', started_at = ?, attempts = attempts + 1, progress = 0
             WHERE id = (SELECT id FROM jobs WHERE status = 'queued' AND project = ?
                         ORDER BY created_at, rowid LIMIT 1)
               AND status = 'queued'
             RETURNING *`,
          )
          .get(at, project) as JobRow | undefined;
        this.db
          .prepare(
            `INSERT INTO queue_turns (project, last_turn)
             VALUES (?, (SELECT COALESCE(MAX(last_turn), 0) + 1 FROM queue_turns))
             ON CONFLICT (project) DO UPDATE SET last_turn = excluded.last_turn`,
          )
          .run(project);
        return job;
      })
      .immediate();
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

  /**
   * Gives the write-ahead log's disk space back (a full checkpoint, then the file truncated): on a
   * full disk that is room for the few rows that record a job's end.
   */
  reclaimJournal(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
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
