/**
 * Console sign-in sessions. The cookie's token is never stored: only its SHA-256 (`token_hash`), so
 * a copy of the database opens no session. A session lives by its key: revoking or deleting the key
 * ends it.
 */
export const id = '2026-12-08-console-sessions';

export const sql = `
CREATE TABLE console_sessions (
  token_hash TEXT PRIMARY KEY,
  key_id TEXT NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);
`;

/** PostgreSQL: the same schema, with 64-bit times, float8 and PL/pgSQL triggers. */
export const postgres = `
CREATE TABLE console_sessions (
  token_hash TEXT PRIMARY KEY,
  key_id TEXT NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);
`;
