import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loader.js';
import { oneWorkerUnlessSet, serverSetup } from '../helpers/server.js';

/**
 * Test servers start one synthesis worker unless a test asks for more (test/helpers/server.ts): worker
 * start-up is most of a server's start. A test's own worker count, and a config meant to be refused,
 * reach the server exactly as written.
 */
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const workersOf = async (toml: string) => (await loadConfigText(toml)).engine.workers;

async function loadConfigText(toml: string) {
  const { dataDir, configFile } = await serverSetup({ config: toml });
  dirs.push(dataDir);
  return loadConfig(configFile, { VR_API_KEY: `vr_test_${randomBytes(16).toString('hex')}` }, { dataDir });
}

describe('test server config', () => {
  it('adds one synthesis worker to a config that sets none, keeping the rest', async () => {
    expect(await workersOf('')).toBe(1);
    const limits = await loadConfigText('[limits]\nrate_limit_per_minute = 30\n');
    expect(limits.engine.workers).toBe(1);
    expect(limits.limits.rate_limit_per_minute).toBe(30);
    const engine = await loadConfigText('[engine]\nanalysis_workers = 2\n[jobs]\nconcurrency = 1\n');
    expect([engine.engine.workers, engine.engine.analysis_workers, engine.jobs.concurrency]).toEqual([
      1, 2, 1,
    ]);
  });

  it("keeps a test's own worker count, the production default included", async () => {
    expect(await workersOf('[engine]\nworkers = 2\n')).toBe(2);
    expect(await workersOf('[engine]\nworkers = 0\n')).toBe(0);
  });

  it('writes a config that is not TOML as it is, so the server refuses it as a user would see', async () => {
    expect(oneWorkerUnlessSet('[engine\nworkers = ')).toBe('[engine\nworkers = ');
    const { dataDir, configFile } = await serverSetup({ config: 'nonsense = [' });
    dirs.push(dataDir);
    expect(readFileSync(configFile!, 'utf8')).toBe('nonsense = [');
  });

  it('leaves a server started by its own command, or in a data dir it must create, as the test wrote it', async () => {
    const own = await serverSetup({ command: ['/bin/true'] });
    dirs.push(own.dataDir);
    expect(own.configFile).toBeUndefined();
    const fresh = await serverSetup({ dataDir: `${own.dataDir}/not-yet` });
    expect(fresh.configFile).toBeUndefined();
  });
});
