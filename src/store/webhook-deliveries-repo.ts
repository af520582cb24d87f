import type { Sql } from './sql/client.js';

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
  constructor(private readonly sql: Sql) {}

  forJob(jobId: string): Promise<DeliveryRow | undefined> {
    return this.sql.one<DeliveryRow>('SELECT * FROM webhook_deliveries WHERE job_id = ?', [jobId]);
  }

  /** Pending deliveries whose time has come, oldest first. */
  due(now: number, limit: number): Promise<DeliveryRow[]> {
    return this.sql.all<DeliveryRow>(
      `SELECT * FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ?
       ORDER BY next_attempt_at LIMIT ?`,
      [now, limit],
    );
  }

  async delivered(id: string, at: number): Promise<void> {
    await this.sql.run(
      `UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, last_error = NULL,
         delivered_at = ?, next_attempt_at = NULL WHERE id = ?`,
      [at, id],
    );
  }

  /** A failed attempt: due again at `nextAt`, or given up on (`nextAt` null). */
  async attemptFailed(id: string, error: string, nextAt: number | null): Promise<void> {
    await this.sql.run(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,
         status = ? WHERE id = ?`,
      [error, nextAt, nextAt === null ? 'failed' : 'pending', id],
    );
  }
}
