import type { Sql } from './sql/client.js';

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
  /** The node running the job, and until when its lease holds (see the cluster migration). */
  lease_owner: string | null;
  lease_until: number | null;
}

/** Who claims a job and for how long (nodes sharing a database); none: a single node. */
export interface Lease {
  owner: string;
  until: number;
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
  constructor(private readonly sql: Sql) {}

  async insert(
    job: Pick<JobRow, 'id' | 'project' | 'key_id' | 'type' | 'payload_json' | 'created_at'> &
      Partial<Pick<JobRow, 'callback_url'>>,
  ): Promise<void> {
    await this.sql.run(
      `INSERT INTO jobs (id, project, key_id, type, status, payload_json, created_at, callback_url)
       VALUES (@id, @project, @key_id, @type, 'queued', @payload_json, @created_at, @callback_url)`,
      { ...job, callback_url: job.callback_url ?? null },
    );
  }

  get(id: string, project?: string): Promise<JobRow | undefined> {
    return project === undefined
      ? this.sql.one<JobRow>('SELECT * FROM jobs WHERE id = ?', [id])
      : this.sql.one<JobRow>('SELECT * FROM jobs WHERE id = ? AND project = ?', [id, project]);
  }

  list(f: JobListFilter): Promise<JobRow[]> {
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
    return this.sql.all<JobRow>(sql, args);
  }

  /**
   * Inside a transaction: admissions take turns until it ends, so the active-job counts read next
   * still hold when the new job row is written (on every node of a cluster).
   */
  lockAdmission(): Promise<void> {
    return this.sql.lock('job-admission');
  }

  /** Jobs queued or running in all, of one project and of one key: what admission limits. */
  async activeCounts(project: string, keyId: string): Promise<ActiveJobCounts> {
    const row = await this.sql.one<ActiveJobCounts>(
      `SELECT COUNT(*) AS total,
         COALESCE(SUM(CASE WHEN project = ? THEN 1 ELSE 0 END), 0) AS project,
         COALESCE(SUM(CASE WHEN key_id = ? THEN 1 ELSE 0 END), 0) AS key
       FROM jobs WHERE status IN ('queued', 'running')`,
      [project, keyId],
    );
    return { total: Number(row?.total ?? 0), project: Number(row?.project ?? 0), key: Number(row?.key ?? 0) };
  }

  /** Mean run time, in seconds, of the last `count` jobs that finished after running; null before any. */
  async recentRunSeconds(count = 20): Promise<number | null> {
    // Keeping SQLite off the status index (`+status`): it would read every finished job, whereas
    // walking jobs_finished from its end stops after `count` rows.
    const status = this.sql.dialect.name === 'sqlite' ? '+status' : 'status';
    const mean = await this.sql.value<number | string | null>(
      `SELECT AVG(finished_at - started_at) / 1000.0 FROM (
         SELECT finished_at, started_at FROM jobs
         WHERE finished_at IS NOT NULL AND ${status} IN ('succeeded', 'failed') AND started_at IS NOT NULL
         ORDER BY finished_at DESC LIMIT ?) recent`,
      [count],
    );
    return mean === null || mean === undefined ? null : Number(mean);
  }

  /** Characters of a key's synthesis jobs not finished yet: they count against its quota already. */
  async pendingCharacters(keyId: string): Promise<number> {
    const characters = this.sql.dialect.jsonNumber('payload_json', 'characters');
    return Number(
      await this.sql.value(
        `SELECT COALESCE(SUM(${characters}), 0) FROM jobs
         WHERE key_id = ? AND type = 'synthesize' AND status IN ('queued', 'running')`,
        [keyId],
      ),
    );
  }

  /**
   * Takes the next job, fairly across projects: the project with the fewest running jobs, among those
   * the one served longest ago (queue_turns, kept in the database so the order survives restarts),
   * and its oldest queued job. One project's backlog never holds back another project's job, and a
   * project's own jobs still run in the order they came. One transaction: pick, claim and turn are
   * written together, and the UPDATE's WHERE makes a double claim impossible.
   */
  claimNext(at: number, lease?: Lease): Promise<JobRow | undefined> {
    return this.sql.transaction(async (tx) => {
      const project = await tx.value<string>(PICK_PROJECT);
      if (project === undefined) return undefined;
      const job = await tx.one<JobRow>(
        `UPDATE jobs SET status = 'running', started_at = ?, attempts = attempts + 1, progress = 0,
           lease_owner = ?, lease_until = ?
         WHERE id = (SELECT id FROM jobs WHERE status = 'queued' AND project = ?
                     ORDER BY created_at, ${tx.dialect.arrival} LIMIT 1 ${tx.dialect.skipLocked})
           AND status = 'queued'
         RETURNING *`,
        [at, lease?.owner ?? null, lease?.until ?? null, project],
      );
      await tx.run(
        `INSERT INTO queue_turns (project, last_turn)
         VALUES (?, (SELECT COALESCE(MAX(last_turn), 0) + 1 FROM queue_turns))
         ON CONFLICT (project) DO UPDATE SET last_turn = excluded.last_turn`,
        [project],
      );
      return job;
    });
  }

  async setProgress(id: string, progress: number): Promise<void> {
    await this.sql.run("UPDATE jobs SET progress = ? WHERE id = ? AND status = 'running'", [progress, id]);
  }

  /** Finishing only moves a running job: a job canceled meanwhile stays canceled. */
  async succeed(id: string, result: unknown, at: number): Promise<boolean> {
    const changed = await this.sql.run(
      `UPDATE jobs SET status = 'succeeded', progress = 1, result_json = ?, finished_at = ?
       WHERE id = ? AND status = 'running'`,
      [JSON.stringify(result), at, id],
    );
    return changed > 0;
  }

  async fail(id: string, code: string, message: string, at: number): Promise<boolean> {
    const changed = await this.sql.run(
      `UPDATE jobs SET status = 'failed', error_code = ?, error_message = ?, finished_at = ?
       WHERE id = ? AND status IN ('queued', 'running')`,
      [code, message, at, id],
    );
    return changed > 0;
  }

  /** The journal's disk space back (see Sql.reclaimSpace). */
  reclaimJournal(): Promise<void> {
    return this.sql.reclaimSpace();
  }

  /** Cancels a queued or running job; the row as canceled, or undefined when it had already finished. */
  cancel(id: string, at: number): Promise<JobRow | undefined> {
    return this.sql.one<JobRow>(
      `UPDATE jobs SET status = 'canceled', error_code = 'CANCELED', error_message = 'Canceled by request.',
         finished_at = ? WHERE id = ? AND status IN ('queued', 'running') RETURNING *`,
      [at, id],
    );
  }

  /** A running job given back to the queue (graceful stop, or recovery after a crash). */
  async requeue(id: string): Promise<void> {
    await this.sql.run(
      `UPDATE jobs SET status = 'queued', started_at = NULL, progress = 0, lease_owner = NULL, lease_until = NULL
       WHERE id = ? AND status = 'running'`,
      [id],
    );
  }

  /**
   * Extends `owner`'s leases on the given jobs; returns the ids still running under its lease. A job
   * missing from the answer was canceled (or taken over) elsewhere, and its run should stop.
   */
  async renewLeases(owner: string, ids: readonly string[], until: number): Promise<string[]> {
    if (ids.length === 0) return [];
    const marks = ids.map(() => '?').join(', ');
    const rows = await this.sql.all<{ id: string }>(
      `UPDATE jobs SET lease_until = ? WHERE lease_owner = ? AND status = 'running' AND id IN (${marks})
       RETURNING id`,
      [until, owner, ...ids],
    );
    return rows.map((r) => r.id);
  }

  /** Running jobs whose lease ran out before `at` (their node stopped renewing: it died). */
  expiredLeases(at: number): Promise<JobRow[]> {
    return this.sql.all<JobRow>(
      "SELECT * FROM jobs WHERE status = 'running' AND lease_until IS NOT NULL AND lease_until < ?",
      [at],
    );
  }

  /** Rows per type and status, for /metrics (the jobs_status_created index keeps it cheap). */
  async countsByTypeAndStatus(): Promise<Array<{ type: JobType; status: JobStatus; count: number }>> {
    const rows = await this.sql.all<{ type: JobType; status: JobStatus; count: number | string }>(
      'SELECT type, status, COUNT(*) AS count FROM jobs GROUP BY status, type',
    );
    return rows.map((r) => ({ ...r, count: Number(r.count) }));
  }

  running(): Promise<JobRow[]> {
    return this.sql.all<JobRow>("SELECT * FROM jobs WHERE status = 'running'");
  }

  queuedForSpeaker(speakerId: string): Promise<JobRow[]> {
    const speakerOf = this.sql.dialect.jsonText('payload_json', 'speaker_id');
    return this.sql.all<JobRow>(
      `SELECT * FROM jobs WHERE type = 'register_speaker' AND status IN ('queued', 'running')
         AND ${speakerOf} = ?`,
      [speakerId],
    );
  }
}
