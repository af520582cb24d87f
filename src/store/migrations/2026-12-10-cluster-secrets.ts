/**
 * Secrets every node of a cluster must share (the master secret that API-key hashes, sealed keys,
 * presigned URLs and webhook signatures derive from). Used on PostgreSQL, where nodes with their
 * own data dirs share one database; a single SQLite node keeps its secret in the data dir's file.
 */
export const id = '2026-12-10-cluster-secrets';

export const sql = `
CREATE TABLE cluster_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
`;

/** PostgreSQL: the same table, with a 64-bit time. */
export const postgres = `
CREATE TABLE cluster_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
`;
