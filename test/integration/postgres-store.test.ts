import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { JobRunner } from '../../src/jobs/queue.js';
import { systemClock } from '../../src/lib/clock.js';
import { JobAdmission } from '../../src/services/admission.js';
import { sharedRateLimiter } from '../../src/services/rate-limit.js';
import { openDatabase } from '../../src/store/db.js';
import { createStore, type Store } from '../../src/store/index.js';
import { migrations } from '../../src/store/migrations/index.js';
import { openPostgresStore } from '../../src/store/postgres/open.js';
import type { PgSql } from '../../src/store/postgres/client.js';
import { SqliteSql } from '../../src/store/sql/sqlite.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';

const DB_DEFAULTS = { password_file: '', pool_size: 10, ssl: 'disable' as const, ssl_ca_file: '' };

let pg: TestPostgres;
const pools: PgSql[] = [];

beforeAll(async () => {
  pg = await startPostgres();
}, 60_000);

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await pg?.stop();
});

async function pgStore(url?: string): Promise<{ store: Store; url: string }> {
  const at = url ?? (await pg.database());
  const { store, sql } = await openPostgresStore({ ...DB_DEFAULTS, url: at }, {});
  pools.push(sql);
  return { store, url: at };
}

function sqliteStore(): Store {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'vr-conf-')), 'voicereel.db'));
  return createStore(new SqliteSql(db));
}

let n = 0;
const job = (
  store: Store,
  project: string,
  extra: { key?: string; callback?: string; payload?: object } = {},
) => {
  const id = `job_${String(++n).padStart(20, '0')}`;
  return store.jobs
    .insert({
      id,
      project,
      key_id: extra.key ?? 'key_a',
      type: 'synthesize',
      payload_json: JSON.stringify(extra.payload ?? { characters: 10 }),
      created_at: 1_000 + n,
      callback_url: extra.callback,
    })
    .then(() => id);
};

describe('PostgreSQL schema', () => {
  it('ships every migration for PostgreSQL too, and nodes starting together apply each once', async () => {
    expect(migrations.filter((m) => m.postgres === undefined).map((m) => m.id)).toEqual([]);
    const url = await pg.database();
    const opened = await Promise.all([pgStore(url), pgStore(url), pgStore(url)]);
    const rows = await opened[0]!.store.sql.all<{ id: string }>(
      'SELECT id FROM schema_migrations ORDER BY id',
    );
    expect(rows.map((r) => r.id)).toEqual(migrations.map((m) => m.id).sort());
  });
});

// The same behaviour from both dialects: what the services rely on, read back through the repositories.
describe.each([
  ['sqlite', async () => sqliteStore()],
  ['postgres', async () => (await pgStore()).store],
])('repositories on %s', (_name, make) => {
  it('writes job events and the webhook outbox from status changes, and reads counts as numbers', async () => {
    const store = await make();
    const a = await job(store, 'p1', { callback: 'https://hooks.example/x' });
    const b = await job(store, 'p1', { payload: { characters: 32 } });
    expect(await store.jobs.activeCounts('p1', 'key_a')).toEqual({ total: 2, project: 2, key: 2 });
    expect(await store.jobs.pendingCharacters('key_a')).toBe(42);
    const claimed = await store.jobs.claimNext(5_000);
    expect(claimed?.id).toBe(a);
    expect(await store.jobs.succeed(a, { ok: 1 }, 6_000)).toBe(true);
    expect(await store.jobs.succeed(a, { ok: 2 }, 6_001)).toBe(false);
    expect((await store.jobEvents.after(a, 0)).map((e) => e.type)).toEqual([
      'queued',
      'started',
      'succeeded',
    ]);
    const delivery = await store.webhooks.forJob(a);
    expect(delivery).toMatchObject({ status: 'pending', event: 'job.succeeded', next_attempt_at: 6_000 });
    expect(delivery?.id).toMatch(/^msg_[0-9a-f]{24}$/);
    expect((await store.jobs.cancel(b, 7_000))?.status).toBe('canceled');
    expect(await store.jobs.cancel(b, 7_001)).toBeUndefined();
    expect(await store.jobs.recentRunSeconds()).toBe(1);
    const counts = await store.jobs.countsByTypeAndStatus();
    expect(counts).toContainEqual({ type: 'synthesize', status: 'succeeded', count: 1 });
    expect(typeof counts[0]?.count).toBe('number');
  });

  it('claims fairly across projects and keeps each project in arrival order', async () => {
    const store = await make();
    const a1 = await job(store, 'a');
    const a2 = await job(store, 'a');
    const b1 = await job(store, 'b');
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await store.jobs.claimNext(9_000 + i))?.id);
    expect(order).toEqual([a1, b1, a2]);
    expect(await store.jobs.claimNext(9_100)).toBeUndefined();
  });

  it('adds usage, refuses a replayed signature, replays an idempotency claim and caps lexicons in one statement', async () => {
    const store = await make();
    await store.usage.add('k', 'p', '2026-12', { requests: 2, characters: 5 });
    await store.usage.add('k', 'p', '2026-12', { requests: 1, synthesized_seconds: 1.5 });
    expect(await store.usage.forMonth('2026-12')).toEqual([
      {
        key_id: 'k',
        project: 'p',
        month: '2026-12',
        requests: 3,
        synthesized_seconds: 1.5,
        characters: 5,
        registrations: 0,
      },
    ]);
    expect(await store.usage.charactersFor('k', '2026-12')).toBe(5);
    expect(await store.signatures.remember('sig-1', 10_000)).toBe(true);
    expect(await store.signatures.remember('sig-1', 10_000)).toBe(false);
    const claim = { key_id: 'k', idem_key: 'i', request_sha: 'x', created_at: 1, expires_at: 100 };
    expect(await store.idempotency.claim(claim, 0)).toBeUndefined();
    expect(await store.idempotency.claim(claim, 0)).toMatchObject({ request_sha: 'x', status: null });
    const lex = (id: string) => ({
      id,
      project: 'p',
      name: id,
      lang: 'en',
      is_default: 0,
      entries_json: '[]',
      entry_count: 0,
      created_at: 1,
      updated_at: 1,
    });
    expect(await store.lexicons.insertBelow(lex('lex_1'), 1)).toBe(true);
    expect(await store.lexicons.insertBelow(lex('lex_2'), 1)).toBe(false);
    expect(await store.lexicons.count('p')).toBe(1);
  });

  it('gives each tick of a periodic task to one caller only', async () => {
    const store = await make();
    const claims = await Promise.all([1, 2, 3].map(() => store.cronRuns.claimTick('sweep', 100_000, 30_000)));
    expect(claims.filter(Boolean)).toEqual([true]);
    expect(await store.cronRuns.claimTick('sweep', 120_000, 30_000)).toBe(false);
    expect(await store.cronRuns.claimTick('sweep', 130_000, 30_000)).toBe(true);
  });

  it('rolls a failed transaction back whole', async () => {
    const store = await make();
    const id = await job(store, 'rb');
    await expect(
      store.transaction(async (tx) => {
        await tx.jobs.cancel(id, 1);
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect((await store.jobs.get(id))?.status).toBe('queued');
  });
});

describe('two nodes on one PostgreSQL', () => {
  it('never claims a job twice when both take from the shared queue at once', async () => {
    const { store: one, url } = await pgStore();
    const { store: two } = await pgStore(url);
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) ids.add(await job(one, `p${i % 7}`));
    const taken: string[] = [];
    const drain = async (s: Store) => {
      for (let idle = 0; idle < 3;) {
        const got = await s.jobs.claimNext(Date.now());
        if (got) taken.push(got.id);
        else idle++;
      }
    };
    await Promise.all([drain(one), drain(two), drain(one), drain(two)]);
    expect(taken.length).toBe(200);
    expect(new Set(taken)).toEqual(ids);
  });

  it('spends one per-key request budget whichever node the requests reach', async () => {
    const { store: one, url } = await pgStore();
    const { store: two } = await pgStore(url);
    const at = { now: () => 1_000_000 };
    const limiters = [sharedRateLimiter(one.rateBuckets, 10, at), sharedRateLimiter(two.rateBuckets, 10, at)];
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limiters[i % 2]!.take('key_busy').then(
          () => 'ok',
          (err: { code?: string; message?: string }) => err.code ?? err.message,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'ok').length, outcomes.join()).toBe(10);
    expect(outcomes.filter((o) => o === 'RATE_LIMITED').length).toBe(10);
    // Six seconds later one token (10 a minute) has come back, on either node.
    const later = sharedRateLimiter(two.rateBuckets, 10, { now: () => 1_006_000 });
    await later.take('key_busy');
    await expect(later.take('key_busy')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('wakes the followers of a job on the other node when one node records its event', async () => {
    const { store: one, url } = await pgStore();
    const { store: two } = await pgStore(url);
    const heard: string[] = [];
    const stop = two.onJobEvent((jobId) => heard.push(jobId));
    // The LISTEN is in place once a notification sent after it arrives: send until one does.
    for (const until = Date.now() + 5_000; heard.length === 0;) {
      if (Date.now() > until) throw new Error('no notification reached the other node');
      await job(one, 'ev');
      await new Promise((r) => setTimeout(r, 50));
    }
    const second = await job(one, 'ev');
    await one.jobEvents.append(second, 'log', { level: 'info', message: 'hi' }, 1, 100);
    for (const until = Date.now() + 5_000; heard.filter((id) => id === second).length < 2;) {
      if (Date.now() > until) throw new Error(`heard only ${heard.join()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await stop();
  });

  it('sends each due webhook from one node only', async () => {
    const { store: one, url } = await pgStore();
    const { store: two } = await pgStore(url);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const id = await job(one, 'hooks', { callback: 'https://hooks.example/x' });
      await one.jobs.claimNext(2_000);
      await one.jobs.succeed(id, {}, 3_000);
      ids.push(id);
    }
    const taken = (
      await Promise.all(
        [0, 1, 2, 3, 4, 5].map((i) => (i % 2 ? one : two).webhooks.claimDue(10_000, 8, 60_000)),
      )
    ).flat();
    expect(taken.length).toBe(30);
    expect(new Set(taken.map((d) => d.job_id))).toEqual(new Set(ids));
    expect(await one.webhooks.claimDue(10_000, 8, 60_000)).toEqual([]);
  });

  it('admits exactly up to the per-key cap when both nodes admit at once', async () => {
    const { store: one, url } = await pgStore();
    const { store: two } = await pgStore(url);
    const who = { keyId: 'key_cap', project: 'cap' };
    const admit = async (s: Store) => {
      const admission = new JobAdmission(s.jobs, { queueMaxDepth: 1000, perProject: 0, perKey: 5 });
      return s
        .transaction(async (tx) => {
          await tx.jobs.lockAdmission();
          await admission.ensureRoom(who, tx.jobs);
          await tx.jobs.insert({
            id: `job_${String(++n).padStart(20, '0')}`,
            project: who.project,
            key_id: who.keyId,
            type: 'synthesize',
            payload_json: '{}',
            created_at: n,
          });
        })
        .then(
          () => true,
          () => false,
        );
    };
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => admit(i % 2 ? one : two)));
    expect(results.filter(Boolean).length).toBe(5);
    expect((await one.jobs.activeCounts('cap', 'key_cap')).key).toBe(5);
  });

  it('takes over the jobs of a node that stopped renewing its leases, and stops a run canceled through another node', async () => {
    const { store: one, url } = await pgStore();
    const { store: two } = await pgStore(url);
    const log = pino({ level: 'silent' });
    const ran: string[] = [];
    const aborted: string[] = [];
    const handler = {
      run: (job: { id: string }, ctx: { signal: AbortSignal }) =>
        new Promise<unknown>((resolve, reject) => {
          ran.push(job.id);
          if (job.id.endsWith('quick')) return resolve({ ok: true });
          ctx.signal.addEventListener('abort', () => {
            aborted.push(job.id);
            reject(ctx.signal.reason as Error);
          });
        }),
    };
    const runner = (store: Store, owner: string) =>
      new JobRunner(
        store.jobs,
        { synthesize: handler, register_speaker: handler },
        { concurrency: 2, maxAttempts: 3, pollMs: 100, lease: { owner, ttlMs: 3000 } },
        systemClock,
        log,
      );
    // A node died holding this job: its lease runs out and the other node runs it.
    await one.jobs.insert({
      id: 'job_orphaned_quick',
      project: 'l',
      key_id: 'k',
      type: 'synthesize',
      payload_json: '{}',
      created_at: 1,
    });
    const dead = await one.jobs.claimNext(Date.now(), { owner: 'dead-node', until: Date.now() + 300 });
    expect(dead?.id).toBe('job_orphaned_quick');
    const b = runner(two, 'node-b');
    await b.recover();
    b.start();
    const until = Date.now() + 10_000;
    while ((await two.jobs.get('job_orphaned_quick'))?.status !== 'succeeded') {
      if (Date.now() > until) throw new Error('the orphaned job was never taken over');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await two.jobs.get('job_orphaned_quick'))?.attempts).toBe(2);

    // A long job runs on node B; canceling it through node A's store stops the run on B.
    await one.jobs.insert({
      id: 'job_long_running',
      project: 'l',
      key_id: 'k',
      type: 'synthesize',
      payload_json: '{}',
      created_at: 2,
    });
    b.notify();
    while (!ran.includes('job_long_running')) await new Promise((r) => setTimeout(r, 20));
    expect((await one.jobs.cancel('job_long_running', Date.now()))?.status).toBe('canceled');
    const stopBy = Date.now() + 5_000;
    while (!aborted.includes('job_long_running')) {
      if (Date.now() > stopBy) throw new Error('the canceled run was never stopped');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await two.jobs.get('job_long_running'))?.status).toBe('canceled');
    await b.stop(1000);
  }, 30_000);
});
