import type { Sql } from './sql/client.js';

export interface SessionRow {
  token_hash: string;
  key_id: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

/** Console sessions (services/sessions.ts decides their life; this only stores them). */
export class SessionsRepo {
  constructor(private readonly sql: Sql) {}

  async insert(row: SessionRow): Promise<void> {
    await this.sql.run(
      `INSERT INTO console_sessions (token_hash, key_id, csrf_token, created_at, last_seen_at, expires_at)
       VALUES (@token_hash, @key_id, @csrf_token, @created_at, @last_seen_at, @expires_at)`,
      row,
    );
  }

  get(tokenHash: string): Promise<SessionRow | undefined> {
    return this.sql.one<SessionRow>('SELECT * FROM console_sessions WHERE token_hash = ?', [tokenHash]);
  }

  async touch(tokenHash: string, at: number): Promise<void> {
    await this.sql.run('UPDATE console_sessions SET last_seen_at = ? WHERE token_hash = ?', [at, tokenHash]);
  }

  async delete(tokenHash: string): Promise<boolean> {
    return (await this.sql.run('DELETE FROM console_sessions WHERE token_hash = ?', [tokenHash])) > 0;
  }

  /** Sessions past their hard expiry, or idle since before `idleBefore`. */
  purge(at: number, idleBefore: number): Promise<number> {
    return this.sql.run('DELETE FROM console_sessions WHERE expires_at <= ? OR last_seen_at < ?', [
      at,
      idleBefore,
    ]);
  }
}
