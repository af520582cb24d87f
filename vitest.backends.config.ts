import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The API suite once more, every server on PostgreSQL with its objects in an S3 bucket
 * (test/helpers/backend.ts). Tests of what only the embedded default has (the SQLite file's backups,
 * file modes and doctor checks) and of the process itself (the single executable, systemd, TLS
 * start-up, the chaos suite, model packs) run in the default pass only; the backends' own tests
 * (postgres-*, s3-cluster, object-store, migrate) start what they need in either.
 */
export default defineConfig({
  test: {
    ...base.test,
    include: [
      'test/integration/api-errors.test.ts',
      'test/integration/cancel-engine.test.ts',
      'test/integration/cli-remote.test.ts',
      'test/integration/client.test.ts',
      'test/integration/connections.test.ts',
      'test/integration/console-session.test.ts',
      'test/integration/durability.test.ts',
      'test/integration/fair-queue.test.ts',
      'test/integration/hostile-requests.test.ts',
      'test/integration/idempotency.test.ts',
      'test/integration/job-events.test.ts',
      'test/integration/job-list.test.ts',
      'test/integration/keys-rotation.test.ts',
      'test/integration/lexicon-ipa.test.ts',
      'test/integration/lexicons.test.ts',
      'test/integration/limits.test.ts',
      'test/integration/metrics.test.ts',
      'test/integration/openapi.test.ts',
      'test/integration/program-chunks.test.ts',
      'test/integration/registration-cancel.test.ts',
      'test/integration/request-auth.test.ts',
      'test/integration/retention.test.ts',
      'test/integration/speech.test.ts',
      'test/integration/speech-lexicons.test.ts',
      'test/integration/synthesis.test.ts',
      'test/integration/text-normalize.test.ts',
      'test/integration/upload-bounds.test.ts',
      'test/integration/webhooks.test.ts',
    ],
    globalSetup: ['test/helpers/backends-setup.ts'],
  },
});
