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

  /**
   * Takes the pending deliveries whose time has come, oldest first, and holds them until `holdUntil`
   * (their next attempt time moves there), so another node reading the outbox meanwhile skips them.
   * The attempt's outcome then sets the real next time; a node that dies mid-attempt leaves the
   * delivery due again once the hold passes.
   */
  claimDue(now: number, limit: number, holdUntil: number): Promise<DeliveryRow[]> {
    return this.sql.transaction(async (tx) => {
      const due = await tx.all<DeliveryRow>(
        `SELECT * FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ?
         ORDER BY next_attempt_at LIMIT ? ${tx.dialect.skipLocked}`,
        [now, limit],
      );
      if (due.length === 0) return due;
      const marks = due.map(() => '?').join(', ');
      await tx.run(`UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id IN (${marks})`, [
        holdUntil,
        ...due.map((d) => d.id),
      ]);
      return due;
    });
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
