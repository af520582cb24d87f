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
  const store = createStore(db);
  const bus = new JobEventBus();
  const events = new JobEvents(
    store,
    bus,
    (job) => ({ id: job.id, status: job.status }) as never,
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
  return { s, got, ended: () => ended };
}

describe('job events', () => {
  it('stops following when the client goes away, leaving no listener or timer behind', () => {
    const { store, bus, events } = setup();
    const id = job(store);
    const out = sink();
    const stop = events.follow(id, 0, out.s);
    expect(out.got.map((e) => e.event)).toEqual(['queued']);
    expect(bus.listenerCount()).toBe(1);
    expect(events.openStreams()).toBe(1);
    stop();
    expect(bus.listenerCount()).toBe(0);
    expect(events.openStreams()).toBe(0);
    expect(out.ended()).toBe(true);
    // Nothing more reaches a closed stream.
    store.jobs.claimNext(NOW);
    events.changed(id);
    expect(out.got).toHaveLength(1);
  });

  it('ends at the terminal event, which carries the view, and takes no event after it', () => {
    const { store, bus, events } = setup();
    const id = job(store);
    const out = sink();
    events.follow(id, 0, out.s);
    store.jobs.claimNext(NOW);
    events.changed(id);
    events.progress(id, 0.5, 1, 2);
    store.jobs.cancel(id, NOW);
    events.changed(id);
    expect(out.got.map((e) => e.event)).toEqual(['queued', 'started', 'progress', 'canceled']);
    expect(out.got.at(-1)?.data).toEqual({ id, status: 'canceled' });
    expect(out.ended()).toBe(true);
    expect(bus.listenerCount()).toBe(0);
    events.progress(id, 0.9, 2, 2);
    expect(store.jobEvents.after(id, 0).map((e) => e.type)).toEqual([
      'queued',
      'started',
      'progress',
      'canceled',
    ]);
    expect(events.check(who, id, out.got.at(-1)?.id ?? 0)).toEqual({ done: true });
    expect(events.check(who, id, 0)).toEqual({ done: false });
    expect(() => events.check({ ...who, project: 'q' }, id, 0)).toThrow(/not found/);
  });

  it('caps progress and log events per job, never the status changes', () => {
    const { store, events } = setup(10);
    const id = job(store);
    store.jobs.claimNext(NOW);
    for (let i = 1; i <= 30; i++) events.log(id, 'info', `line ${i}`);
    store.jobs.succeed(id, {}, NOW);
    const types = store.jobEvents.after(id, 0).map((e) => e.type);
    expect(types).toHaveLength(11);
    expect(types.filter((t) => t === 'log')).toHaveLength(8);
    expect(types.at(-1)).toBe('succeeded');
  });
});
