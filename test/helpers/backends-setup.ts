import type { TestProject } from 'vitest/node';
import buildBundle from './global-setup.js';
import { startPostgres } from './postgres.js';
import { startS3 } from './s3.js';

/**
 * The backends run: the bundle built, then one PostgreSQL cluster and one S3-protocol server every
 * test server gets a database and a bucket on.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const removeRunDir = buildBundle(project);
  const pg = await startPostgres();
  const s3 = await startS3();
  project.provide('pgBase', pg.base);
  project.provide('s3Endpoint', s3.endpoint);
  return async () => {
    await pg.stop();
    await s3.stop();
    removeRunDir();
  };
}
