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
-- A job's new event wakes its followers on every node (LISTEN voicereel_job_events), not only on the
-- node that wrote it; each node still polls as a fallback.
CREATE FUNCTION voicereel_job_event_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('voicereel_job_events', NEW.job_id);
  RETURN NULL;
END $$;
CREATE TRIGGER job_events_notify AFTER INSERT ON job_events
  FOR EACH ROW EXECUTE FUNCTION voicereel_job_event_notify();
`;
