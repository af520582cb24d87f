import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../../src/lib/ids.js';
import {
  type EventSink,
  JobEventBus,
  JobEvents,
  type StreamedEvent,
} from '../../../src/services/job-events.js';
import { closeDatabase, type Db, openDatabase } from '../../../src/store/db.js';
import { createStore, type Store } from '../../../src/store/index.js';
import { SqliteSql } from '../../../src/store/sql/sqlite.js';
import { insertQueuedJob } from '../../helpers/store-rows.js';

const open: Db[] = [];
afterEach(() => {
  for (const db of open.splice(0)) closeDatabase(db);
});

const NOW = Date.UTC(2026, 11, 1);
const who = { keyId: 'k', project: 'p', admin: false };

function setup(maxPerJob = 50) {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'vr-events-')), 'voicereel.db'));
  open.push(db);
  const store = createStore(new SqliteSql(db));
  const bus = new JobEventBus();
  const events = new JobEvents(
    store,
    bus,
    async (job) => ({ id: job.id, status: job.status }) as never,
    { now: () => NOW },
    {
      maxPerJob,
      heartbeatMs: 60_000,
    },
  );
  return { store, bus, events };
}

const job = (store: Store) => insertQueuedJob(store, newId('job'), NOW);

function sink() {
  const got: StreamedEvent[] = [];
  let ended = false;
  const s: EventSink = { send: (e) => got.push(e), comment: () => {}, end: () => (ended = true) };
  return { s, got, ended: () => ended, names: () => got.map((e) => e.event) };
}

/** Streams read the store asynchronously: wait (briefly) until what was sent meets `cond`. */
async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Long enough for a stream that would still read to have read and sent. */
const aWhile = () => new Promise((r) => setTimeout(r, 50));

describe('job events', () => {
  it('stops following when the client goes away, leaving no listener or timer behind', async () => {
    const { store, bus, events } = setup();
    const id = await job(store);
    const out = sink();
    const stop = events.follow(id, 0, out.s);
    await until(() => out.got.length > 0);
    await aWhile();
    expect(out.names()).toEqual(['queued']);
    expect(bus.listenerCount()).toBe(1);
    expect(events.openStreams()).toBe(1);
    stop();
    expect(bus.listenerCount()).toBe(0);
    expect(events.openStreams()).toBe(0);
    expect(out.ended()).toBe(true);
    // Nothing more reaches a closed stream.
    await store.jobs.claimNext(NOW);
    events.changed(id);
    await aWhile();
    expect(out.got).toHaveLength(1);
  });

  it('ends at the terminal event, which carries the view, and takes no event after it', async () => {
    const { store, bus, events } = setup();
    const id = await job(store);
    const out = sink();
    events.follow(id, 0, out.s);
    await until(() => out.got.length === 1);
    await store.jobs.claimNext(NOW);
    events.changed(id);
    await until(() => out.got.length === 2);
    events.progress(id, 0.5, 1, 2);
    await events.settled();
    await until(() => out.got.length === 3);
    await store.jobs.cancel(id, NOW);
    events.changed(id);
    await until(() => out.ended());
    expect(out.names()).toEqual(['queued', 'started', 'progress', 'canceled']);
    expect(out.got.at(-1)?.data).toEqual({ id, status: 'canceled' });
    expect(bus.listenerCount()).toBe(0);
    events.progress(id, 0.9, 2, 2);
    await events.settled();
    expect((await store.jobEvents.after(id, 0)).map((e) => e.type)).toEqual([
      'queued',
      'started',
      'progress',
      'canceled',
    ]);
    expect(await events.check(who, id, out.got.at(-1)?.id ?? 0)).toEqual({ done: true });
    expect(await events.check(who, id, 0)).toEqual({ done: false });
    await expect(events.check({ ...who, project: 'q' }, id, 0)).rejects.toThrow(/not found/);
  });

  it('sends events once and in order when wake-ups arrive while a read is under way', async () => {
    const { store, events } = setup();
    const id = await job(store);
    await store.jobs.claimNext(NOW);
    const out = sink();
    events.follow(id, 0, out.s);
    for (let i = 1; i <= 20; i++) {
      events.log(id, 'info', `line ${i}`);
      events.changed(id);
    }
    await events.settled();
    await store.jobs.succeed(id, {}, NOW);
    events.changed(id);
    await until(() => out.ended());
    const ids = out.got.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(ids.length);
    expect(out.names()).toEqual(['queued', 'started', ...Array<string>(20).fill('log'), 'succeeded']);
  });

  it('caps progress and log events per job, never the status changes', async () => {
    const { store, events } = setup(10);
    const id = await job(store);
    await store.jobs.claimNext(NOW);
    for (let i = 1; i <= 30; i++) events.log(id, 'info', `line ${i}`);
    await events.settled();
    await store.jobs.succeed(id, {}, NOW);
    const types = (await store.jobEvents.after(id, 0)).map((e) => e.type);
    expect(types).toHaveLength(11);
    expect(types.filter((t) => t === 'log')).toHaveLength(8);
    expect(types.at(-1)).toBe('succeeded');
  });
});
