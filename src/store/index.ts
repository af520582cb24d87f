import type { Db } from './db.js';
import { FilesRepo } from './files-repo.js';
import { JobsRepo } from './jobs-repo.js';
import { KeysRepo } from './keys-repo.js';
import { SessionsRepo } from './sessions-repo.js';
import { PresetProfilesRepo } from './preset-profiles-repo.js';
import { SignaturesRepo } from './signatures-repo.js';
import { SpeakersRepo } from './speakers-repo.js';
import { UsageRepo } from './usage-repo.js';

export interface Store {
  db: Db;
  keys: KeysRepo;
  speakers: SpeakersRepo;
  jobs: JobsRepo;
  files: FilesRepo;
  usage: UsageRepo;
  signatures: SignaturesRepo;
  presetProfiles: PresetProfilesRepo;
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
    sessions: new SessionsRepo(db),
  };
}
