import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/lib/clock.js';
import { BootstrapKeyError, KeyService } from '../../../src/services/keys.js';
import { hmacHex, loadOrCreateSecrets, seal } from '../../../src/services/secrets.js';
import { closeDatabase, type Db, openDatabase } from '../../../src/store/db.js';
import { KeysRepo } from '../../../src/store/keys-repo.js';
import { migrations } from '../../../src/store/migrations/index.js';
import { SqliteSql } from '../../../src/store/sql/sqlite.js';

/** Rotation of the bootstrap admin key (issue 9, finding 7), on a real SQLite file. */

const A = 'vr_1c9e4b7a20f35d8e6a1b4c7d90e23f56a8b1c4d7';
const B = 'vr_7f2a5c8e1b4d90a3c6f29e5b8d1a4c7f30b6e9d2';

let tick = 1_000;
const clock: Clock = { now: () => (tick += 1000) };

function setup(dir = mkdtempSync(join(tmpdir(), 'vr-boot-'))) {
  const db = openDatabase(join(dir, 'voicereel.db'));
  const keys = new KeyService(new KeysRepo(new SqliteSql(db)), loadOrCreateSecrets(dir), clock);
  return { dir, db, keys };
}

const active = async (keys: KeyService) => (await keys.list()).filter((k) => !k.revoked);

describe('bootstrap admin key', () => {
  it('replaces the previous configured key, and keeps the current one when none is configured', async () => {
    const { keys } = setup();
    const first = await keys.settleBootstrap(A);
    expect(first).toMatchObject({ registered: true, revoked: [] });
    expect(await keys.authenticate(A)).toEqual({ keyId: first.id, project: 'default', admin: true });
    expect(await keys.settleBootstrap(A)).toEqual({ id: first.id, registered: false, revoked: [] });

    const second = await keys.settleBootstrap(B);
    expect(second).toMatchObject({ registered: true, revoked: [first.id] });
    expect(await keys.authenticate(A)).toBeUndefined();
    expect(await keys.signingKey(first.id as string)).toBeUndefined();
    expect((await keys.authenticate(B))?.admin).toBe(true);
    expect(await keys.get(first.id as string)).toMatchObject({ name: 'bootstrap', revoked: true });

    // Configuration removed: the current bootstrap key stays, nothing is generated.
    expect(await keys.settleBootstrap('')).toEqual({ id: second.id, registered: false, revoked: [] });
    expect(await keys.authenticate(B)).toBeDefined();
    expect((await active(keys)).map((k) => k.id)).toEqual([second.id]);
  });

  it('generates and returns a key once at first start; configuring one later replaces it', async () => {
    const { keys } = setup();
    const first = await keys.settleBootstrap('');
    expect(first.generatedKey).toMatch(/^vr_[A-Za-z0-9_-]{43}$/);
    expect((await keys.authenticate(first.generatedKey as string))?.admin).toBe(true);
    const again = await keys.settleBootstrap('');
    expect(again).toEqual({ id: first.id, registered: false, revoked: [] });

    expect(await keys.settleBootstrap(A)).toMatchObject({ registered: true, revoked: [first.id] });
    expect(await keys.authenticate(first.generatedKey as string)).toBeUndefined();
  });

  it('never generates one while another admin key is active, and other keys are never touched', async () => {
    const { keys } = setup();
    const ops = await keys.create({ name: 'ops', project: 'default', admin: true });
    const client = await keys.create({ name: 'client', project: 'p1', admin: false });
    expect(await keys.settleBootstrap('')).toEqual({ registered: false, revoked: [] });
    await keys.settleBootstrap(A);
    await keys.settleBootstrap(B);
    expect(await keys.authenticate(ops.key)).toBeDefined();
    expect(await keys.authenticate(client.key)).toBeDefined();
  });

  it('refuses a configured key that was revoked or that belongs to a project', async () => {
    const { keys } = setup();
    const old = await keys.settleBootstrap(A);
    await keys.settleBootstrap(B);
    await expect(keys.settleBootstrap(A)).rejects.toThrow(BootstrapKeyError);
    await expect(keys.settleBootstrap(A)).rejects.toThrow(`is the key ${old.id}, which was revoked`);
    expect(await keys.authenticate(A)).toBeUndefined();
    expect(await keys.authenticate(B)).toBeDefined();

    const client = await keys.create({ name: 'client', project: 'p1', admin: false });
    await expect(keys.settleBootstrap(client.key)).rejects.toThrow(
      /of project "p1", not an admin key of "default"/,
    );
    expect(await keys.authenticate(B)).toBeDefined();
  });

  it('on upgrade, revokes the bootstrap keys an earlier version left working', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vr-boot-old-'));
    // A database from before rotation: A then B were configured, both still work.
    const old: Db = openDatabase(join(dir, 'voicereel.db'), undefined, {
      migrations: migrations.slice(0, 2),
    });
    const secrets = loadOrCreateSecrets(dir);
    const insert = old.prepare(
      `INSERT INTO api_keys (id, name, project, admin, key_hash, key_sealed, created_at)
       VALUES (?, 'bootstrap', 'default', 1, ?, ?, ?)`,
    );
    insert.run('key_AAAAAAAAAAAAAAAA', hmacHex(secrets.keyPepper, A), seal(secrets.sealKey, A), 1);
    insert.run('key_BBBBBBBBBBBBBBBB', hmacHex(secrets.keyPepper, B), seal(secrets.sealKey, B), 2);
    closeDatabase(old);

    const { keys } = setup(dir);
    expect(await keys.settleBootstrap('')).toEqual({
      id: 'key_BBBBBBBBBBBBBBBB',
      registered: false,
      revoked: ['key_AAAAAAAAAAAAAAAA'],
    });
    expect(await keys.authenticate(A)).toBeUndefined();
    expect(await keys.authenticate(B)).toBeDefined();
  });
});
