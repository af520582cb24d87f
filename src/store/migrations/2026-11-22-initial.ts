/** Initial schema. Times are Unix milliseconds; ids are prefixed random strings. */
export const id = '2026-11-22-initial';

export const sql = `
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  project TEXT NOT NULL,
  admin INTEGER NOT NULL DEFAULT 0,
  -- HMAC-SHA256 of the key under a server pepper: enough to authenticate, useless to an attacker.
  key_hash TEXT NOT NULL UNIQUE,
  -- AES-256-GCM of the key under the master secret, needed to verify request signatures.
  key_sealed TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX api_keys_project ON api_keys(project);

CREATE TABLE speakers (
  id TEXT PRIMARY KEY,
  project TEXT NOT NULL,
  name TEXT NOT NULL,
  lang TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'ready', 'failed')),
  consent TEXT,
  reference_script TEXT NOT NULL,
  reference_file TEXT,
  reference_format TEXT,
  reference_bytes INTEGER NOT NULL,
  sample_rate INTEGER,
  duration_seconds REAL,
  speech_seconds REAL,
  profile_json TEXT,
  error_code TEXT,
  error_message TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX speakers_project_created ON speakers(project, created_at);

CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  project TEXT NOT NULL,
  key_id TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('synthesize', 'register_speaker')),
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  progress REAL NOT NULL DEFAULT 0,
  payload_json TEXT NOT NULL,
  result_json TEXT,
  error_code TEXT,
  error_message TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER
);
CREATE INDEX jobs_status_created ON jobs(status, created_at);
CREATE INDEX jobs_project ON jobs(project);

CREATE TABLE files (
  id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  project TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('audio', 'captions')),
  rel_path TEXT NOT NULL,
  content_type TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER
);
CREATE INDEX files_job ON files(job_id);
CREATE INDEX files_expires ON files(expires_at);

CREATE TABLE usage (
  key_id TEXT NOT NULL,
  project TEXT NOT NULL,
  month TEXT NOT NULL,
  requests INTEGER NOT NULL DEFAULT 0,
  synthesized_seconds REAL NOT NULL DEFAULT 0,
  characters INTEGER NOT NULL DEFAULT 0,
  registrations INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (key_id, month)
);

-- Signatures seen inside the replay window; survives restarts so a replay after a crash is still refused.
CREATE TABLE seen_signatures (
  signature TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
);
CREATE INDEX seen_signatures_expires ON seen_signatures(expires_at);

-- Scheduled tasks that must run once per period (monthly report) record each run here.
CREATE TABLE cron_runs (
  task TEXT NOT NULL,
  period TEXT NOT NULL,
  ran_at INTEGER NOT NULL,
  PRIMARY KEY (task, period)
);
`;

/** PostgreSQL: the same schema, with 64-bit times, float8 and PL/pgSQL triggers. */
export const postgres = `
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  project TEXT NOT NULL,
  admin INTEGER NOT NULL DEFAULT 0,
  key_hash TEXT NOT NULL UNIQUE,
  key_sealed TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  revoked_at BIGINT
);
CREATE INDEX api_keys_project ON api_keys(project);

CREATE TABLE speakers (
  id TEXT PRIMARY KEY,
  project TEXT NOT NULL,
  name TEXT NOT NULL,
  lang TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'ready', 'failed')),
  consent TEXT,
  reference_script TEXT NOT NULL,
  reference_file TEXT,
  reference_format TEXT,
  reference_bytes BIGINT NOT NULL,
  sample_rate INTEGER,
  duration_seconds DOUBLE PRECISION,
  speech_seconds DOUBLE PRECISION,
  profile_json TEXT,
  error_code TEXT,
  error_message TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX speakers_project_created ON speakers(project, created_at);

CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  -- Insertion order, which SQLite keeps as rowid: ties between jobs queued in the same millisecond.
  seq BIGSERIAL NOT NULL,
  project TEXT NOT NULL,
  key_id TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('synthesize', 'register_speaker')),
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  progress DOUBLE PRECISION NOT NULL DEFAULT 0,
  payload_json TEXT NOT NULL,
  result_json TEXT,
  error_code TEXT,
  error_message TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT
);
CREATE INDEX jobs_status_created ON jobs(status, created_at);
CREATE INDEX jobs_project ON jobs(project);

CREATE TABLE files (
  id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  project TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('audio', 'captions')),
  rel_path TEXT NOT NULL,
  content_type TEXT NOT NULL,
  bytes BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT
);
CREATE INDEX files_job ON files(job_id);
CREATE INDEX files_expires ON files(expires_at);

CREATE TABLE usage (
  key_id TEXT NOT NULL,
  project TEXT NOT NULL,
  month TEXT NOT NULL,
  requests BIGINT NOT NULL DEFAULT 0,
  synthesized_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
  characters BIGINT NOT NULL DEFAULT 0,
  registrations BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (key_id, month)
);

CREATE TABLE seen_signatures (
  signature TEXT PRIMARY KEY,
  expires_at BIGINT NOT NULL
);
CREATE INDEX seen_signatures_expires ON seen_signatures(expires_at);

CREATE TABLE cron_runs (
  task TEXT NOT NULL,
  period TEXT NOT NULL,
  ran_at BIGINT NOT NULL,
  PRIMARY KEY (task, period)
);
`;
