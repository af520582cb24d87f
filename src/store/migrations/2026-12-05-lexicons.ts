/**
 * Pronunciation lexicons per project (issue 15). A lexicon is replaced as a whole (PUT, PLS import),
 * so its entries are one JSON column; `is_default` lexicons apply to scripts that name none.
 */
export const id = '2026-12-05-lexicons';

export const sql = `
CREATE TABLE lexicons (
  id TEXT PRIMARY KEY,
  project TEXT NOT NULL,
  name TEXT NOT NULL,
  lang TEXT NOT NULL,
  is_default INTEGER NOT NULL DEFAULT 0,
  entries_json TEXT NOT NULL,
  entry_count INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX lexicons_project ON lexicons (project, created_at);
`;

/** PostgreSQL: the same schema, with 64-bit times, float8 and PL/pgSQL triggers. */
export const postgres = `
CREATE TABLE lexicons (
  id TEXT PRIMARY KEY,
  project TEXT NOT NULL,
  name TEXT NOT NULL,
  lang TEXT NOT NULL,
  is_default INTEGER NOT NULL DEFAULT 0,
  entries_json TEXT NOT NULL,
  entry_count INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX lexicons_project ON lexicons (project, created_at);
`;
