import type { Sql } from './sql/client.js';

export type JobEventType = 'queued' | 'started' | 'progress' | 'log' | 'succeeded' | 'failed' | 'canceled';

export interface JobEventRow {
  id: number;
  job_id: string;
  type: JobEventType;
  data_json: string;
  created_at: number;
}

/** A job's event history (status rows come from triggers on `jobs`, see the job-events migration). */
export class JobEventsRepo {
  constructor(private readonly sql: Sql) {}

  /**
   * Appends a progress or log event unless the job already holds `cap` events: a job with thousands
   * of lines keeps its first events and its status changes (written by the triggers, never capped).
   * A finished job takes no more, so its terminal event stays its last (a canceled job's worker may
   * still report a line).
   */
  async append(
    jobId: string,
    type: 'progress' | 'log',
    data: unknown,
    at: number,
    cap: number,
  ): Promise<boolean> {
    const changed = await this.sql.run(
      `INSERT INTO job_events (job_id, type, data_json, created_at)
       SELECT @jobId, @type, @data, @at WHERE (SELECT COUNT(*) FROM job_events WHERE job_id = @jobId) < @cap
         AND (SELECT status FROM jobs WHERE id = @jobId) IN ('queued', 'running')`,
      { jobId, type, data: JSON.stringify(data), at, cap },
    );
    return changed > 0;
  }

  /** Events of one job after `afterId`, oldest first. */
  after(jobId: string, afterId: number, limit = 500): Promise<JobEventRow[]> {
    return this.sql.all<JobEventRow>(
      'SELECT * FROM job_events WHERE job_id = ? AND id > ? ORDER BY id LIMIT ?',
      [jobId, afterId, limit],
    );
  }

  /** History of jobs that finished before `cutoff` (the retention sweep); returns rows deleted. */
  purgeFinishedBefore(cutoff: number): Promise<number> {
    return this.sql.run(
      `DELETE FROM job_events WHERE job_id IN (
         SELECT id FROM jobs WHERE finished_at IS NOT NULL AND finished_at < ?)`,
      [cutoff],
    );
  }
}
