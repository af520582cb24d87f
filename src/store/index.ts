import type { Db } from './db.js';
import { FilesRepo } from './files-repo.js';
import { IdempotencyRepo } from './idempotency-repo.js';
import { JobEventsRepo } from './job-events-repo.js';
import { JobsRepo } from './jobs-repo.js';
import { KeysRepo } from './keys-repo.js';
import { LexiconsRepo } from './lexicons-repo.js';
import { SessionsRepo } from './sessions-repo.js';
import { PresetProfilesRepo } from './preset-profiles-repo.js';
import { SignaturesRepo } from './signatures-repo.js';
import { SpeakersRepo } from './speakers-repo.js';
import { UsageRepo } from './usage-repo.js';
import { WebhookDeliveriesRepo } from './webhook-deliveries-repo.js';

export interface Store {
  db: Db;
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
}

export function createStore(db: Db): Store {
  return {
    db,
    keys: new KeysRepo(db),
    speakers: new SpeakersRepo(db),
    jobs: new JobsRepo(db),
    files: new FilesRepo(db),
    usage: new UsageRepo(db),
    signatures: new SignaturesRepo(db),
    presetProfiles: new PresetProfilesRepo(db),
    jobEvents: new JobEventsRepo(db),
    webhooks: new WebhookDeliveriesRepo(db),
    lexicons: new LexiconsRepo(db),
    idempotency: new IdempotencyRepo(db),
    sessions: new SessionsRepo(db),
  };
}
