import { describe, expect, it } from 'vitest';
import { FairQueue } from '../../../src/engine/fair-queue.js';
import { ApiError } from '../../../src/errors.js';

/** A task that runs until released, recording when it started. */
function gate(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  return {
    release,
    task: async () => {
      log.push(name);
      await done;
      return name;
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('FairQueue', () => {
  it("serves projects in turn: one project's backlog does not hold another's single task", async () => {
    const q = new FairQueue({ slots: 1, maxWaiting: 100, perTenant: 100 });
    const started: string[] = [];
    const a = [1, 2, 3, 4].map((i) => gate(started, `a${i}`));
    const b = gate(started, 'b1');
    const runs = a.map((g) => q.run('A', g.task, { mayRefuse: false }));
    const bRun = q.run('B', b.task, { mayRefuse: false });
    expect(started).toEqual(['a1']);
    expect(q.waiting()).toBe(4);
    a[0]!.release();
    await runs[0];
    await tick();
    // B arrived after all of A's, yet goes next: A was served last.
    expect(started).toEqual(['a1', 'b1']);
    b.release();
    await bRun;
    for (const g of a.slice(1)) g.release();
    await Promise.all(runs);
    expect(started).toEqual(['a1', 'b1', 'a2', 'a3', 'a4']);
  });

  it('refuses a refusable task with 429 and Retry-After when its project has its share in hand', async () => {
    const q = new FairQueue({ slots: 1, maxWaiting: 100, perTenant: 2 });
    const started: string[] = [];
    const gates = [gate(started, 'a1'), gate(started, 'a2')];
    const runs = gates.map((g) => q.run('A', g.task, { mayRefuse: true }));
    let refused: unknown;
    try {
      void q.run('A', gate(started, 'a3').task, { mayRefuse: true });
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(ApiError);
    const e = refused as ApiError;
    expect([e.status, e.code]).toEqual([429, 'RATE_LIMITED']);
    expect(e.details).toEqual({ limit: 'analysis_per_project', max: 2 });
    expect(Number(e.headers['Retry-After'])).toBeGreaterThanOrEqual(1);
    // Another project is still admitted, and an accepted job of A is never refused.
    const b = gate(started, 'b1');
    const bRun = q.run('B', b.task, { mayRefuse: true });
    const job = gate(started, 'a-job');
    const jobRun = q.run('A', job.task, { mayRefuse: false });
    for (const g of [...gates, b, job]) g.release();
    await Promise.all([...runs, bRun, jobRun]);
    expect(started).toEqual(['a1', 'b1', 'a2', 'a-job']);
  });

  it('refuses with 503 when the queue is full across projects', async () => {
    const q = new FairQueue({ slots: 1, maxWaiting: 2, perTenant: 5 });
    const started: string[] = [];
    const gates = ['a', 'b', 'c'].map((t) => gate(started, t));
    const runs = gates.map((g, i) => q.run(`P${i}`, g.task, { mayRefuse: true }));
    expect(q.waiting()).toBe(2);
    expect(() => q.run('P9', gate(started, 'z').task, { mayRefuse: true })).toThrow(
      expect.objectContaining({ status: 503, details: { limit: 'analysis_queue_max_depth', max: 2 } }),
    );
    for (const g of gates) g.release();
    await Promise.all(runs);
    expect(started).toEqual(['a', 'b', 'c']);
  });

  it('drops a waiting task whose signal aborts, and runs the next one instead', async () => {
    const q = new FairQueue({ slots: 1, maxWaiting: 10, perTenant: 10 });
    const started: string[] = [];
    const first = gate(started, 'first');
    const second = gate(started, 'second');
    const third = gate(started, 'third');
    const ctl = new AbortController();
    const runs = [q.run('A', first.task, { mayRefuse: false })];
    const aborted = q.run('B', second.task, { mayRefuse: false, signal: ctl.signal });
    runs.push(q.run('C', third.task, { mayRefuse: false }));
    ctl.abort(new Error('canceled'));
    await expect(aborted).rejects.toThrow('canceled');
    expect(q.waiting()).toBe(1);
    first.release();
    third.release();
    await Promise.all(runs);
    expect(started).toEqual(['first', 'third']);
  });

  it('answers the caller of an aborted running task at once, but keeps its slot until the task ends', async () => {
    const q = new FairQueue({ slots: 1, maxWaiting: 10, perTenant: 10 });
    const started: string[] = [];
    const running = gate(started, 'running');
    const next = gate(started, 'next');
    const ctl = new AbortController();
    const aborted = q.run('A', running.task, { mayRefuse: false, signal: ctl.signal });
    const nextRun = q.run('B', next.task, { mayRefuse: false });
    ctl.abort(new Error('canceled'));
    await expect(aborted).rejects.toThrow('canceled');
    await tick();
    // The work is still going on in its thread: nothing else may start on that slot yet.
    expect(started).toEqual(['running']);
    running.release();
    await tick();
    expect(started).toEqual(['running', 'next']);
    next.release();
    await nextRun;
  });
});
