import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  loadOrCreateClusterSecrets,
  loadOrCreateSecrets,
  MASTER_SECRET_FILE,
} from '../../../src/services/secrets.js';
import { closeDatabase, type Db } from '../../../src/store/db.js';
import { storeInTempDir } from '../../helpers/store-dir.js';

/**
 * Nodes sharing one database (PostgreSQL in production; the repository is the same SQL on SQLite)
 * derive their keys from the one master secret stored there, whatever their own data dirs hold.
 */
const open: Db[] = [];
afterEach(() => {
  for (const db of open.splice(0)) closeDatabase(db);
});

function cluster() {
  const fixture = storeInTempDir('vr-cluster-secrets-');
  open.push(fixture.db);
  return fixture.store.clusterSecrets;
}
const emptyDir = () => mkdtempSync(join(tmpdir(), 'vr-node-'));

describe('the cluster’s master secret', () => {
  it('is made once: nodes with empty data dirs, even starting together, get the same keys', async () => {
    const shared = cluster();
    const dirs = [emptyDir(), emptyDir(), emptyDir()];
    const [a, b, c] = await Promise.all(dirs.map((d) => loadOrCreateClusterSecrets(shared, d, 1)));
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(a?.presignKey.length).toBe(32);
    // It stays in the database: no node writes a copy into its data dir.
    for (const d of dirs) expect(existsSync(join(d, MASTER_SECRET_FILE))).toBe(false);
  });

  it('is the data dir’s own when an appliance moves to the shared database first', async () => {
    const shared = cluster();
    const appliance = emptyDir();
    const own = loadOrCreateSecrets(appliance);
    expect(await loadOrCreateClusterSecrets(shared, appliance, 1)).toEqual(own);
    expect(await loadOrCreateClusterSecrets(shared, emptyDir(), 2)).toEqual(own);
  });

  it('refuses a node whose data dir holds another secret, rather than answer with other keys', async () => {
    const shared = cluster();
    await loadOrCreateClusterSecrets(shared, emptyDir(), 1);
    const stray = emptyDir();
    writeFileSync(join(stray, MASTER_SECRET_FILE), `${'ab'.repeat(32)}\n`);
    await expect(loadOrCreateClusterSecrets(shared, stray, 2)).rejects.toThrow(
      /holds a different master secret from the cluster's.*move the file aside/,
    );
  });
});
