/**
 * Leases on running jobs, for nodes sharing one PostgreSQL database: the node that claims a job
 * renews its lease while it runs; a job whose lease ran out (its node died) goes back to the queue,
 * taken over by any node. A single SQLite node recovers every running job at start instead.
 */
export const id = '2026-12-09-job-leases';

export const sql = `
ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
ALTER TABLE jobs ADD COLUMN lease_until INTEGER;
`;

/** PostgreSQL: the same columns; the index finds running jobs whose lease ran out. */
export const postgres = `
ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
ALTER TABLE jobs ADD COLUMN lease_until BIGINT;
CREATE INDEX jobs_running_lease ON jobs(lease_until) WHERE status = 'running';
`;
