/**
 * What nodes sharing one PostgreSQL database need. Leases on running jobs: the node that claims a
 * job renews its lease while it runs; a job whose lease ran out (its node died) goes back to the
 * queue, taken over by any node (a single SQLite node recovers every running job at start instead).
 * Task ticks: a periodic task (the retention sweep) runs on one node per tick of its schedule.
 * Rate buckets: a key's request budget, the same whichever node a request reaches.
 */
export const id = '2026-12-09-cluster';

export const sql = `
ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
ALTER TABLE jobs ADD COLUMN lease_until INTEGER;
CREATE TABLE task_ticks (
  task TEXT PRIMARY KEY,
  last_at INTEGER NOT NULL
);
CREATE TABLE rate_buckets (
  key_id TEXT PRIMARY KEY,
  tokens REAL NOT NULL,
  updated_at INTEGER NOT NULL
);
`;

/** PostgreSQL: the same; the index finds running jobs whose lease ran out. */
export const postgres = `
ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
ALTER TABLE jobs ADD COLUMN lease_until BIGINT;
CREATE INDEX jobs_running_lease ON jobs(lease_until) WHERE status = 'running';
CREATE TABLE task_ticks (
  task TEXT PRIMARY KEY,
  last_at BIGINT NOT NULL
);
CREATE TABLE rate_buckets (
  key_id TEXT PRIMARY KEY,
  tokens DOUBLE PRECISION NOT NULL,
  updated_at BIGINT NOT NULL
);
`;
