import type { Db } from './db.js';

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
  constructor(private readonly db: Db) {}

  insert(row: SessionRow): void {
    this.db
      .prepare(
        `INSERT INTO console_sessions (token_hash, key_id, csrf_token, created_at, last_seen_at, expires_at)
         VALUES (@token_hash, @key_id, @csrf_token, @created_at, @last_seen_at, @expires_at)`,
      )
      .run(row);
  }

  get(tokenHash: string): SessionRow | undefined {
    return this.db.prepare('SELECT * FROM console_sessions WHERE token_hash = ?').get(tokenHash) as
      SessionRow | undefined;
  }

  touch(tokenHash: string, at: number): void {
    this.db.prepare('UPDATE console_sessions SET last_seen_at = ? WHERE token_hash = ?').run(at, tokenHash);
  }

  delete(tokenHash: string): boolean {
    return this.db.prepare('DELETE FROM console_sessions WHERE token_hash = ?').run(tokenHash).changes > 0;
  }

  /** Sessions past their hard expiry, or idle since before `idleBefore`. */
  purge(at: number, idleBefore: number): number {
    return this.db
      .prepare('DELETE FROM console_sessions WHERE expires_at <= ? OR last_seen_at < ?')
      .run(at, idleBefore).changes;
  }
}
