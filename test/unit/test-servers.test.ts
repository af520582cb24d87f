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

const workersOf = (toml: string) => loadConfigText(toml).engine.workers;

function loadConfigText(toml: string) {
  const { dataDir, configFile } = serverSetup({ config: toml });
  dirs.push(dataDir);
  return loadConfig(configFile, { VR_API_KEY: `vr_test_${randomBytes(16).toString('hex')}` }, { dataDir });
}

describe('test server config', () => {
  it('adds one synthesis worker to a config that sets none, keeping the rest', () => {
    expect(workersOf('')).toBe(1);
    const limits = loadConfigText('[limits]\nrate_limit_per_minute = 30\n');
    expect(limits.engine.workers).toBe(1);
    expect(limits.limits.rate_limit_per_minute).toBe(30);
    const engine = loadConfigText('[engine]\nanalysis_workers = 2\n[jobs]\nconcurrency = 1\n');
    expect([engine.engine.workers, engine.engine.analysis_workers, engine.jobs.concurrency]).toEqual([
      1, 2, 1,
    ]);
  });

  it("keeps a test's own worker count, the production default included", () => {
    expect(workersOf('[engine]\nworkers = 2\n')).toBe(2);
    expect(workersOf('[engine]\nworkers = 0\n')).toBe(0);
  });

  it('writes a config that is not TOML as it is, so the server refuses it as a user would see', () => {
    expect(oneWorkerUnlessSet('[engine\nworkers = ')).toBe('[engine\nworkers = ');
    const { dataDir, configFile } = serverSetup({ config: 'nonsense = [' });
    dirs.push(dataDir);
    expect(readFileSync(configFile!, 'utf8')).toBe('nonsense = [');
  });

  it('leaves a server started by its own command, or in a data dir it must create, as the test wrote it', () => {
    const own = serverSetup({ command: ['/bin/true'] });
    dirs.push(own.dataDir);
    expect(own.configFile).toBeUndefined();
    const fresh = serverSetup({ dataDir: `${own.dataDir}/not-yet` });
    expect(fresh.configFile).toBeUndefined();
  });
});
