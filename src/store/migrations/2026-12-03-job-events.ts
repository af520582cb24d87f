/**
 * Live job events (GET /v1/jobs/{id}/events). Status changes are recorded by triggers, so every path
 * that moves a job (the runner, a cancel, recovery after a crash) writes its event in the same
 * transaction as the change and none can be forgotten; progress and log lines are appended by the
 * job events service. The ids are the SSE event ids a client resumes from with Last-Event-ID. Jobs
 * already in the database get their queued and, when finished, their terminal event.
 */
export const id = '2026-12-03-job-events';

export const sql = `
CREATE TABLE job_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  type TEXT NOT NULL CHECK (type IN ('queued', 'started', 'progress', 'log', 'succeeded', 'failed', 'canceled')),
  data_json TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX job_events_job ON job_events(job_id, id);

CREATE TRIGGER job_events_on_insert AFTER INSERT ON jobs BEGIN
  INSERT INTO job_events (job_id, type, data_json, created_at)
  VALUES (NEW.id, 'queued', json_object('status', 'queued', 'attempt', NEW.attempts), NEW.created_at);
END;

CREATE TRIGGER job_events_on_status AFTER UPDATE OF status ON jobs WHEN NEW.status <> OLD.status BEGIN
  INSERT INTO job_events (job_id, type, data_json, created_at)
  VALUES (
    NEW.id,
    CASE NEW.status WHEN 'running' THEN 'started' ELSE NEW.status END,
    json_object('status', NEW.status, 'attempt', NEW.attempts),
    COALESCE(NEW.finished_at, NEW.started_at, NEW.created_at)
  );
END;

INSERT INTO job_events (job_id, type, data_json, created_at)
  SELECT id, 'queued', json_object('status', 'queued', 'attempt', attempts), created_at FROM jobs ORDER BY created_at;
INSERT INTO job_events (job_id, type, data_json, created_at)
  SELECT id, status, json_object('status', status, 'attempt', attempts), COALESCE(finished_at, created_at) FROM jobs
  WHERE status IN ('succeeded', 'failed', 'canceled') ORDER BY finished_at;
`;

/** PostgreSQL: the same schema, with 64-bit times, float8 and PL/pgSQL triggers. */
export const postgres = `
CREATE TABLE job_events (
  id BIGSERIAL PRIMARY KEY,
  job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  type TEXT NOT NULL CHECK (type IN ('queued', 'started', 'progress', 'log', 'succeeded', 'failed', 'canceled')),
  data_json TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX job_events_job ON job_events(job_id, id);

CREATE FUNCTION voicereel_job_queued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO job_events (job_id, type, data_json, created_at)
  VALUES (NEW.id, 'queued', json_build_object('status', 'queued', 'attempt', NEW.attempts)::text, NEW.created_at);
  RETURN NULL;
END $$;
CREATE TRIGGER job_events_on_insert AFTER INSERT ON jobs
  FOR EACH ROW EXECUTE FUNCTION voicereel_job_queued();

CREATE FUNCTION voicereel_job_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO job_events (job_id, type, data_json, created_at)
  VALUES (
    NEW.id,
    CASE NEW.status WHEN 'running' THEN 'started' ELSE NEW.status END,
    json_build_object('status', NEW.status, 'attempt', NEW.attempts)::text,
    COALESCE(NEW.finished_at, NEW.started_at, NEW.created_at)
  );
  RETURN NULL;
END $$;
CREATE TRIGGER job_events_on_status AFTER UPDATE OF status ON jobs
  FOR EACH ROW WHEN (NEW.status <> OLD.status) EXECUTE FUNCTION voicereel_job_status();
`;
