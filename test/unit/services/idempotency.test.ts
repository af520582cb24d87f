import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/errors.js';
import { IDEMPOTENCY_TTL_MS, IdempotencyService } from '../../../src/services/idempotency.js';
import { closeDatabase, type Db, openDatabase } from '../../../src/store/db.js';
import { createStore } from '../../../src/store/index.js';
import { SqliteSql } from '../../../src/store/sql/sqlite.js';

const opened: Array<{ db: Db; dir: string }> = [];
afterEach(() => {
  for (const { db, dir } of opened.splice(0)) {
    closeDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  }
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'vr-idem-'));
  const db = openDatabase(join(dir, 'voicereel.db'));
  opened.push({ db, dir });
  let now = Date.UTC(2026, 4, 1);
  const store = createStore(new SqliteSql(db));
  const service = new IdempotencyService(store.idempotency, { now: () => now });
  return { store, service, advance: (ms: number) => (now += ms), now: () => now };
}

const conflict = async (fn: () => Promise<unknown>) => {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('IDEMPOTENCY_CONFLICT');
    expect((err as ApiError).status).toBe(409);
    return err as ApiError;
  }
  throw new Error('expected a conflict');
};

describe('IdempotencyService (real SQLite)', () => {
  it('refuses a second request while the first is in flight, then replays its answer', async () => {
    const { service } = setup();
    expect(await service.begin('key_a', 'k1', 'sha1')).toBeUndefined();
    expect((await conflict(() => service.begin('key_a', 'k1', 'sha1'))).headers['Retry-After']).toBe('1');
    await service.complete('key_a', 'k1', {
      status: 202,
      body: { job_id: 'job_x' },
      location: '/v1/jobs/job_x',
    });
    expect(await service.begin('key_a', 'k1', 'sha1')).toEqual({
      status: 202,
      body: { job_id: 'job_x' },
      location: '/v1/jobs/job_x',
    });
    await conflict(() => service.begin('key_a', 'k1', 'sha2'));
    // Another API key's key of the same name is another key.
    expect(await service.begin('key_b', 'k1', 'sha2')).toBeUndefined();
  });

  it('forgets a released claim, and answers after 24 h are gone (the sweep deletes them)', async () => {
    const { service, store, advance, now } = setup();
    await service.begin('key_a', 'k1', 'sha1');
    await service.release('key_a', 'k1');
    expect(await service.begin('key_a', 'k1', 'sha2')).toBeUndefined();
    await service.complete('key_a', 'k1', { status: 201, body: { id: 1 }, location: null });
    advance(IDEMPOTENCY_TTL_MS - 1);
    expect(await store.idempotency.purge(now())).toBe(0);
    expect((await service.begin('key_a', 'k1', 'sha2'))?.status).toBe(201);
    advance(1);
    expect(await store.idempotency.purge(now())).toBe(1);
    expect(await service.begin('key_a', 'k1', 'sha3')).toBeUndefined();
  });
});
