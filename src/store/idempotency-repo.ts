import type { Sql } from './sql/client.js';

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
  constructor(private readonly sql: Sql) {}

  /**
   * Claims the key for a first request, or returns the row already there (live at `now`). An
   * expired row, or one abandoned in flight before `staleBefore`, is replaced: one transaction, so
   * two concurrent first requests cannot both claim it.
   */
  claim(
    row: Omit<IdempotencyRow, 'status' | 'response_json' | 'location'>,
    staleBefore: number,
  ): Promise<IdempotencyRow | undefined> {
    return this.sql.transaction(async (tx) => {
      await tx.run(
        `DELETE FROM idempotency_keys WHERE key_id = ? AND idem_key = ?
           AND (expires_at <= ? OR (status IS NULL AND created_at < ?))`,
        [row.key_id, row.idem_key, row.created_at, staleBefore],
      );
      const inserted = await tx.run(
        tx.dialect.insertIgnore(
          'idempotency_keys',
          'key_id, idem_key, request_sha, created_at, expires_at',
          '@key_id, @idem_key, @request_sha, @created_at, @expires_at',
        ),
        row,
      );
      if (inserted > 0) return undefined;
      return tx.one<IdempotencyRow>('SELECT * FROM idempotency_keys WHERE key_id = ? AND idem_key = ?', [
        row.key_id,
        row.idem_key,
      ]);
    });
  }

  async complete(
    keyId: string,
    idemKey: string,
    status: number,
    responseJson: string,
    location: string | null,
  ): Promise<void> {
    await this.sql.run(
      `UPDATE idempotency_keys SET status = ?, response_json = ?, location = ?
       WHERE key_id = ? AND idem_key = ? AND status IS NULL`,
      [status, responseJson, location, keyId, idemKey],
    );
  }

  /** Forgets a claim whose request failed, so a retry runs afresh. */
  async release(keyId: string, idemKey: string): Promise<void> {
    await this.sql.run('DELETE FROM idempotency_keys WHERE key_id = ? AND idem_key = ? AND status IS NULL', [
      keyId,
      idemKey,
    ]);
  }

  purge(at: number): Promise<number> {
    return this.sql.run('DELETE FROM idempotency_keys WHERE expires_at <= ?', [at]);
  }
}
