import type { Db } from './db.js';

export interface IdempotencyRow {
  key_id: string;
  idem_key: string;
  request_sha: string;
  status: number | null;
  response_json: string | null;
  location: string | null;
  created_at: number;
  expires_at: number;
}

export class IdempotencyRepo {
  constructor(private readonly db: Db) {}

  /**
   * Claims the key for a first request, or returns the row already there (live at `now`). An
   * expired row, or one abandoned in flight before `staleBefore`, is replaced: one transaction, so
   * two concurrent first requests cannot both claim it.
   */
  claim(
    row: Omit<IdempotencyRow, 'status' | 'response_json' | 'location'>,
    staleBefore: number,
  ): IdempotencyRow | undefined {
    return this.db.transaction(() => {
      this.db
        .prepare(
          `DELETE FROM idempotency_keys WHERE key_id = ? AND idem_key = ?
             AND (expires_at <= ? OR (status IS NULL AND created_at < ?))`,
        )
        .run(row.key_id, row.idem_key, row.created_at, staleBefore);
      const existing = this.db
        .prepare('SELECT * FROM idempotency_keys WHERE key_id = ? AND idem_key = ?')
        .get(row.key_id, row.idem_key) as IdempotencyRow | undefined;
      if (existing) return existing;
      this.db
        .prepare(
          `INSERT INTO idempotency_keys (key_id, idem_key, request_sha, created_at, expires_at)
           VALUES (@key_id, @idem_key, @request_sha, @created_at, @expires_at)`,
        )
        .run(row);
      return undefined;
    })();
  }

  complete(
    keyId: string,
    idemKey: string,
    status: number,
    responseJson: string,
    location: string | null,
  ): void {
    this.db
      .prepare(
        `UPDATE idempotency_keys SET status = ?, response_json = ?, location = ?
         WHERE key_id = ? AND idem_key = ? AND status IS NULL`,
      )
      .run(status, responseJson, location, keyId, idemKey);
  }

  /** Forgets a claim whose request failed, so a retry runs afresh. */
  release(keyId: string, idemKey: string): void {
    this.db
      .prepare('DELETE FROM idempotency_keys WHERE key_id = ? AND idem_key = ? AND status IS NULL')
      .run(keyId, idemKey);
  }

  purge(at: number): number {
    return this.db.prepare('DELETE FROM idempotency_keys WHERE expires_at <= ?').run(at).changes;
  }
}
