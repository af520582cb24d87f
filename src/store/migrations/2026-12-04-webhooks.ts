/**
 * Signed webhooks: a job may name a callback URL, and its terminal state writes one delivery into
 * the outbox. A trigger writes it in the same transaction as the terminal state, so a crash can never
 * leave a finished job without its delivery; the sender works the outbox (retries, backoff) and the
 * rows survive restarts. The delivery id is the Standard Webhooks `webhook-id`, the same on every retry.
 */
export const id = '2026-12-04-webhooks';

export const sql = `
ALTER TABLE jobs ADD COLUMN callback_url TEXT;

CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL UNIQUE REFERENCES jobs(id) ON DELETE CASCADE,
  project TEXT NOT NULL,
  url TEXT NOT NULL,
  event TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  next_attempt_at INTEGER,
  created_at INTEGER NOT NULL,
  delivered_at INTEGER
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);

CREATE TRIGGER webhook_outbox AFTER UPDATE OF status ON jobs
WHEN NEW.callback_url IS NOT NULL
  AND NEW.status IN ('succeeded', 'failed', 'canceled') AND OLD.status IN ('queued', 'running')
BEGIN
  INSERT INTO webhook_deliveries (id, job_id, project, url, event, next_attempt_at, created_at)
  VALUES ('msg_' || lower(hex(randomblob(12))), NEW.id, NEW.project, NEW.callback_url, 'job.' || NEW.status,
          NEW.finished_at, NEW.finished_at);
END;
`;

/** PostgreSQL: the same schema, with 64-bit times, float8 and PL/pgSQL triggers. */
export const postgres = `
ALTER TABLE jobs ADD COLUMN callback_url TEXT;

CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL UNIQUE REFERENCES jobs(id) ON DELETE CASCADE,
  project TEXT NOT NULL,
  url TEXT NOT NULL,
  event TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  next_attempt_at BIGINT,
  created_at BIGINT NOT NULL,
  delivered_at BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);

CREATE FUNCTION voicereel_webhook_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_deliveries (id, job_id, project, url, event, next_attempt_at, created_at)
  VALUES ('msg_' || substr(md5(random()::text || clock_timestamp()::text || NEW.id), 1, 24), NEW.id,
          NEW.project, NEW.callback_url, 'job.' || NEW.status, NEW.finished_at, NEW.finished_at);
  RETURN NULL;
END $$;
CREATE TRIGGER webhook_outbox AFTER UPDATE OF status ON jobs
  FOR EACH ROW WHEN (NEW.callback_url IS NOT NULL
    AND NEW.status IN ('succeeded', 'failed', 'canceled') AND OLD.status IN ('queued', 'running'))
  EXECUTE FUNCTION voicereel_webhook_outbox();
`;
