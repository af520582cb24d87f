/**
 * Fair sharing of the job queue between projects. The worker takes the next job from the project
 * served least recently, so the order must survive restarts: it is kept here, not in memory.
 */
export const id = '2026-12-01-fair-queue';

export const sql = `
CREATE TABLE queue_turns (
  project TEXT PRIMARY KEY,
  -- One more than the highest value at every claim: the smallest value was served longest ago.
  last_turn INTEGER NOT NULL
);
-- Per-project counts of queued and running jobs, and the oldest queued job of a project.
CREATE INDEX jobs_status_project_created ON jobs(status, project, created_at);
-- The most recently finished jobs, whose run times estimate Retry-After without reading every row.
CREATE INDEX jobs_finished ON jobs(finished_at);
`;

/** PostgreSQL: the same schema, with 64-bit times, float8 and PL/pgSQL triggers. */
export const postgres = `
CREATE TABLE queue_turns (
  project TEXT PRIMARY KEY,
  last_turn BIGINT NOT NULL
);
CREATE INDEX jobs_status_project_created ON jobs(status, project, created_at);
CREATE INDEX jobs_finished ON jobs(finished_at);
`;
