import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/errors.js';
import { expectedSignature, SignedRequests } from '../../../src/services/signature.js';
import { closeDatabase, type Db, openDatabase } from '../../../src/store/db.js';
import { createStore } from '../../../src/store/index.js';
import { storeInTempDir } from '../../helpers/store-dir.js';

const opened: Array<{ db: Db; dir: string }> = [];
afterEach(() => {
  for (const { db, dir } of opened.splice(0)) {
    closeDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  }
});

function setup() {
  const s = storeInTempDir('vr-signed-');
  opened.push(s);
  return { ...s, signed: new SignedRequests(s.store.signatures) };
}

async function refusal(p: Promise<void>): Promise<ApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).code).toBe('UNAUTHORIZED');
  return err as ApiError;
}

const sig = (t: number) => expectedSignature('vr_key', t, 'POST', '/v1/synthesize', 'ab'.repeat(32));

/** The use case the api's authentication calls: a signature is accepted once in its window. */
describe('SignedRequests (real SQLite)', () => {
  it('accepts a matching signature once and refuses its replay, also after a restart', async () => {
    const { signed, db, dir } = setup();
    const expiresAt = Date.now() + 300_000;
    await signed.accept(sig(1), sig(1), expiresAt);
    expect((await refusal(signed.accept(sig(1), sig(1), expiresAt))).message).toMatch(/replay/);
    // Another signature is its own.
    await signed.accept(sig(2), sig(2), expiresAt);

    // The seen signatures live in the database: a new process refuses the replay too.
    closeDatabase(db);
    opened.splice(0);
    const db2 = openDatabase(join(dir, 'voicereel.db'));
    opened.push({ db: db2, dir });
    const reopened = new SignedRequests(createStore(db2).signatures);
    expect((await refusal(reopened.accept(sig(2), sig(2), expiresAt))).message).toMatch(/replay/);
  });

  it('refuses a signature that does not match without remembering it', async () => {
    const { signed } = setup();
    const expiresAt = Date.now() + 300_000;
    const forged = 'cd'.repeat(32);
    expect((await refusal(signed.accept(sig(1), forged, expiresAt))).message).toMatch(/does not match/);
    // Had the forgery been recorded, a genuine request carrying those bytes would now be a "replay".
    await signed.accept(forged, forged, expiresAt);
  });
});
