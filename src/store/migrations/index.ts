import * as initial from './2026-11-22-initial.js';
import * as presetProfiles from './2026-11-30-preset-profiles.js';
import * as fairQueue from './2026-12-01-fair-queue.js';
import * as bootstrapKey from './2026-12-02-bootstrap-key.js';
import * as consoleSessions from './2026-12-03-console-sessions.js';

export interface Migration {
  id: string;
  sql: string;
}

/** In order of their dated ids; never edit a migration that has shipped, add a new one. */
export const migrations: Migration[] = [initial, presetProfiles, fairQueue, bootstrapKey, consoleSessions];
