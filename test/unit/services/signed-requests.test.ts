import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/errors.js';
import { expectedSignature, SignedRequests } from '../../../src/services/signature.js';
import { closeDatabase, openDatabase } from '../../../src/store/db.js';
import { createStore } from '../../../src/store/index.js';
import { SqliteSql } from '../../../src/store/sql/sqlite.js';

const undo: Array<() => void> = [];
afterEach(() => {
  for (const step of undo.splice(0).reverse()) step();
});

/** The service over the database file in `dir` (a new temp dir unless given), as a process opens it. */
function open(dir = mkdtempSync(join(tmpdir(), 'vr-signed-'))) {
  undo.push(() => rmSync(dir, { recursive: true, force: true }));
  const db = openDatabase(join(dir, 'voicereel.db'));
  const close = () => {
    if (db.open) closeDatabase(db);
  };
  undo.push(close);
  return { dir, close, signed: new SignedRequests(createStore(new SqliteSql(db)).signatures) };
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
    const { signed, close, dir } = open();
    const expiresAt = Date.now() + 300_000;
    await signed.accept(sig(1), sig(1), expiresAt);
    expect((await refusal(signed.accept(sig(1), sig(1), expiresAt))).message).toMatch(/replay/);
    // Another signature is its own.
    await signed.accept(sig(2), sig(2), expiresAt);

    // The seen signatures live in the database: a new process refuses the replay too.
    close();
    const reopened = open(dir).signed;
    expect((await refusal(reopened.accept(sig(2), sig(2), expiresAt))).message).toMatch(/replay/);
  });

  it('refuses a signature that does not match without remembering it', async () => {
    const { signed } = open();
    const expiresAt = Date.now() + 300_000;
    const forged = 'cd'.repeat(32);
    expect((await refusal(signed.accept(sig(1), forged, expiresAt))).message).toMatch(/does not match/);
    // Had the forgery been recorded, a genuine request carrying those bytes would now be a "replay".
    await signed.accept(forged, forged, expiresAt);
  });
});
