import type { Db } from './db.js';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface DeliveryRow {
  id: string;
  job_id: string;
  project: string;
  url: string;
  event: string;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: number | null;
  created_at: number;
  delivered_at: number | null;
}

/** The webhook outbox; rows are written by a trigger when a job with a callback URL finishes. */
export class WebhookDeliveriesRepo {
  constructor(private readonly db: Db) {}

  forJob(jobId: string): DeliveryRow | undefined {
    return this.db.prepare('SELECT * FROM webhook_deliveries WHERE job_id = ?').get(jobId) as
      DeliveryRow | undefined;
  }

  /** Pending deliveries whose time has come, oldest first. */
  due(now: number, limit: number): DeliveryRow[] {
    return this.db
      .prepare(
        `SELECT * FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ?
         ORDER BY next_attempt_at LIMIT ?`,
      )
      .all(now, limit) as DeliveryRow[];
  }

  delivered(id: string, at: number): void {
    this.db
      .prepare(
        `UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, last_error = NULL,
           delivered_at = ?, next_attempt_at = NULL WHERE id = ?`,
      )
      .run(at, id);
  }

  /** A failed attempt: due again at `nextAt`, or given up on (`nextAt` null). */
  attemptFailed(id: string, error: string, nextAt: number | null): void {
    this.db
      .prepare(
        `UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,
           status = CASE WHEN ? IS NULL THEN 'failed' ELSE 'pending' END WHERE id = ?`,
      )
      .run(error, nextAt, nextAt, id);
  }
}
