import type { Db } from './db.js';

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
  constructor(private readonly db: Db) {}

  /**
   * Appends a progress or log event unless the job already holds `cap` events: a job with thousands
   * of lines keeps its first events and its status changes (written by the triggers, never capped).
   * A finished job takes no more, so its terminal event stays its last (a canceled job's worker may
   * still report a line).
   */
  append(jobId: string, type: 'progress' | 'log', data: unknown, at: number, cap: number): boolean {
    return (
      this.db
        .prepare(
          `INSERT INTO job_events (job_id, type, data_json, created_at)
           SELECT ?, ?, ?, ? WHERE (SELECT COUNT(*) FROM job_events WHERE job_id = ?) < ?
             AND (SELECT status FROM jobs WHERE id = ?) IN ('queued', 'running')`,
        )
        .run(jobId, type, JSON.stringify(data), at, jobId, cap, jobId).changes > 0
    );
  }

  /** Events of one job after `afterId`, oldest first. */
  after(jobId: string, afterId: number, limit = 500): JobEventRow[] {
    return this.db
      .prepare('SELECT * FROM job_events WHERE job_id = ? AND id > ? ORDER BY id LIMIT ?')
      .all(jobId, afterId, limit) as JobEventRow[];
  }

  /** History of jobs that finished before `cutoff` (the retention sweep); returns rows deleted. */
  purgeFinishedBefore(cutoff: number): number {
    return this.db
      .prepare(
        `DELETE FROM job_events WHERE job_id IN (
           SELECT id FROM jobs WHERE finished_at IS NOT NULL AND finished_at < ?)`,
      )
      .run(cutoff).changes;
  }
}
