import type { TestProject } from 'vitest/node';
import buildBundle from './global-setup.js';
import { startPostgres } from './postgres.js';

/** The backends run: the bundle built, then one PostgreSQL cluster every test server gets a database on. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const removeRunDir = buildBundle(project);
  const pg = await startPostgres();
  project.provide('pgBase', pg.base);
  return async () => {
    await pg.stop();
    removeRunDir();
  };
}
