/**
 * GET /v1/jobs walks one project's jobs newest first (or every project's, for an admin key): these
 * indexes let it stop after one page instead of sorting the table.
 */
export const id = '2026-12-06-job-list';

export const sql = `
CREATE INDEX jobs_project_created_id ON jobs(project, created_at, id);
CREATE INDEX jobs_created_id ON jobs(created_at, id);
`;

/** The same statements on PostgreSQL. */
export const postgres = sql;
