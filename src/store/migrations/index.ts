import * as initial from './2026-11-22-initial.js';
import * as presetProfiles from './2026-11-30-preset-profiles.js';
import * as fairQueue from './2026-12-01-fair-queue.js';
import * as bootstrapKey from './2026-12-02-bootstrap-key.js';
import * as jobEvents from './2026-12-03-job-events.js';
import * as webhooks from './2026-12-04-webhooks.js';
import * as lexicons from './2026-12-05-lexicons.js';
import * as jobList from './2026-12-06-job-list.js';
import * as idempotency from './2026-12-07-idempotency.js';
import * as consoleSessions from './2026-12-08-console-sessions.js';
import * as cluster from './2026-12-09-cluster.js';
import * as clusterSecrets from './2026-12-10-cluster-secrets.js';

export interface Migration {
  id: string;
  /** The statements on SQLite. */
  sql: string;
  /**
   * The same change on PostgreSQL (its types and trigger syntax differ). Every shipped migration has
   * one (a unit test checks); a test's own list may leave it out when it never runs on PostgreSQL.
   */
  postgres?: string;
}

/** In order of their dated ids; never edit a migration that has shipped, add a new one. */
export const migrations: Migration[] = [
  initial,
  presetProfiles,
  fairQueue,
  bootstrapKey,
  jobEvents,
  webhooks,
  lexicons,
  jobList,
  idempotency,
  consoleSessions,
  cluster,
  clusterSecrets,
];
