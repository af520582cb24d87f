import { ClusterSecretsRepo } from './cluster-secrets-repo.js';
import { CronRunsRepo } from './cron-runs-repo.js';
import { FilesRepo } from './files-repo.js';
import { IdempotencyRepo } from './idempotency-repo.js';
import { JobEventsRepo } from './job-events-repo.js';
import { JobsRepo } from './jobs-repo.js';
import { KeysRepo } from './keys-repo.js';
import { LexiconsRepo } from './lexicons-repo.js';
import { SessionsRepo } from './sessions-repo.js';
import { PresetProfilesRepo } from './preset-profiles-repo.js';
import { RateBucketsRepo } from './rate-buckets-repo.js';
import { SignaturesRepo } from './signatures-repo.js';
import { SpeakersRepo } from './speakers-repo.js';
import { UsageRepo } from './usage-repo.js';
import type { Sql } from './sql/client.js';
import { WebhookDeliveriesRepo } from './webhook-deliveries-repo.js';

/** Every repository, over one handle: the store's own, or an open transaction's. */
export interface Repos {
  keys: KeysRepo;
  speakers: SpeakersRepo;
  jobs: JobsRepo;
  files: FilesRepo;
  usage: UsageRepo;
  signatures: SignaturesRepo;
  presetProfiles: PresetProfilesRepo;
  jobEvents: JobEventsRepo;
  webhooks: WebhookDeliveriesRepo;
  lexicons: LexiconsRepo;
  idempotency: IdempotencyRepo;
  sessions: SessionsRepo;
  cronRuns: CronRunsRepo;
  rateBuckets: RateBucketsRepo;
  clusterSecrets: ClusterSecretsRepo;
}

export interface Store extends Repos {
  sql: Sql;
  /**
   * Runs `fn` in one transaction with repositories bound to it: all its writes land, or none. Only
   * the repositories handed to `fn` may be used inside (the store's own wait for it to end).
   */
  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T>;
  /**
   * Calls `fn` with the job id whenever any process sharing the database records an event of that
   * job; returns what stops it. SQLite serves one process, whose own bus already knows: a no-op.
   */
  onJobEvent(fn: (jobId: string) => void): () => Promise<void>;
}

function reposOver(sql: Sql): Repos {
  return {
    keys: new KeysRepo(sql),
    speakers: new SpeakersRepo(sql),
    jobs: new JobsRepo(sql),
    files: new FilesRepo(sql),
    usage: new UsageRepo(sql),
    signatures: new SignaturesRepo(sql),
    presetProfiles: new PresetProfilesRepo(sql),
    jobEvents: new JobEventsRepo(sql),
    webhooks: new WebhookDeliveriesRepo(sql),
    lexicons: new LexiconsRepo(sql),
    idempotency: new IdempotencyRepo(sql),
    sessions: new SessionsRepo(sql),
    cronRuns: new CronRunsRepo(sql),
    rateBuckets: new RateBucketsRepo(sql),
    clusterSecrets: new ClusterSecretsRepo(sql),
  };
}

/** Where a dialect can push notifications between processes (PostgreSQL's LISTEN). */
export interface Listener {
  listen(channel: string, fn: (payload: string) => void): () => Promise<void>;
}

export function createStore(sql: Sql, listener?: Listener): Store {
  return {
    ...reposOver(sql),
    sql,
    transaction: (fn) => sql.transaction((tx) => fn(reposOver(tx))),
    onJobEvent: (fn) => (listener ? listener.listen('voicereel_job_events', fn) : async () => undefined),
  };
}
