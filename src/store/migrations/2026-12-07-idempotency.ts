/**
 * Idempotency-Key: one row per (API key, client key). `status` is null while the first request is
 * being answered; then it holds that answer, replayed to a retry with the same body until
 * `expires_at` (24 h), when the retention sweep deletes the row.
 */
export const id = '2026-12-07-idempotency';

export const sql = `
CREATE TABLE idempotency_keys (
  key_id TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  request_sha TEXT NOT NULL,
  status INTEGER,
  response_json TEXT,
  location TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (key_id, idem_key)
) WITHOUT ROWID;
CREATE INDEX idempotency_expires ON idempotency_keys(expires_at);
`;

/** PostgreSQL: the same schema, with 64-bit times, float8 and PL/pgSQL triggers. */
export const postgres = `
CREATE TABLE idempotency_keys (
  key_id TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  request_sha TEXT NOT NULL,
  status INTEGER,
  response_json TEXT,
  location TEXT,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (key_id, idem_key)
);
CREATE INDEX idempotency_expires ON idempotency_keys(expires_at);
`;
