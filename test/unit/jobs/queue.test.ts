import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { JobFailure } from '../../../src/errors.js';
import { type JobHandler, JobRunner } from '../../../src/jobs/queue.js';
import { systemClock } from '../../../src/lib/clock.js';
import { openDatabase } from '../../../src/store/db.js';
import { JobsRepo } from '../../../src/store/jobs-repo.js';
import { SqliteSql } from '../../../src/store/sql/sqlite.js';

const log = pino({ level: 'silent' });

function setup(handler: JobHandler, opts = { concurrency: 1, maxAttempts: 2 }) {
  const file = join(mkdtempSync(join(tmpdir(), 'vr-q-')), 'db.sqlite');
  const db = openDatabase(file);
  const jobs = new JobsRepo(new SqliteSql(db));
  const runner = new JobRunner(
    jobs,
    { synthesize: handler, register_speaker: handler },
    { ...opts, pollMs: 20 },
    systemClock,
    log,
  );
  let n = 0;
  const add = async (project = 'p') => {
    const id = `job_${String(++n).padStart(16, '0')}`;
    await jobs.insert({
      id,
      project,
      key_id: 'k',
      type: 'synthesize',
      payload_json: '{}',
      created_at: Date.now() + n,
    });
    runner.notify();
    return id;
  };
  const status = async (id: string) => (await jobs.get(id))?.status;
  return { db, file, jobs, runner, add, status };
}

const until = async (cond: () => boolean | Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('JobRunner', () => {
  it('runs queued jobs in order and records success, progress and failures with codes', async () => {
    const order: string[] = [];
    const { jobs, runner, add, status } = setup({
      run: async (job, ctx) => {
        order.push(job.id);
        ctx.progress(0.5);
        if (order.length === 2) throw new JobFailure('SCRIPT_MISMATCH', 'nope');
        if (order.length === 3) throw new Error('secret internals');
        return { ok: true };
      },
    });
    const ids = [await add(), await add(), await add()];
    runner.start();
    await until(async () => {
      const states = await Promise.all(ids.map(status));
      return states.every((s) => !['queued', 'running'].includes(s ?? ''));
    });
    expect(order).toEqual(ids);
    expect(await jobs.get(ids[0] as string)).toMatchObject({ status: 'succeeded', progress: 1 });
    expect(JSON.parse((await jobs.get(ids[0] as string))?.result_json ?? 'null')).toEqual({ ok: true });
    expect(await jobs.get(ids[1] as string)).toMatchObject({
      status: 'failed',
      error_code: 'SCRIPT_MISMATCH',
      error_message: 'nope',
    });
    const third = await jobs.get(ids[2] as string);
    expect(third).toMatchObject({ status: 'failed', error_code: 'INTERNAL_ERROR' });
    expect(third?.error_message).not.toContain('secret');
    await runner.stop(1000);
  });

  it('fails a job that ran out of disk space with a clear UNAVAILABLE reason, not a bare internal error', async () => {
    // What the chaos suite's disk-full check saw: ENOSPC from the result write, or SQLITE_FULL.
    const nospace = (code: string) =>
      Object.assign(new Error(`${code}: no space left on device, write '/var/x'`), { code });
    let n = 0;
    const { jobs, runner, add, status } = setup({
      run: async () => {
        throw nospace(++n === 1 ? 'ENOSPC' : 'SQLITE_FULL');
      },
    });
    const ids = [await add(), await add()];
    runner.start();
    await until(async () => (await Promise.all(ids.map(status))).every((s) => s === 'failed'));
    for (const id of ids) {
      const job = await jobs.get(id);
      expect(job?.error_code).toBe('UNAVAILABLE');
      expect(job?.error_message).toMatch(/disk space/);
      expect(job?.error_message).not.toMatch(/ENOSPC|SQLITE|\/var/);
    }
    await runner.stop(1000);
  });

  it('requeues jobs left running by a crash and fails them after max attempts', async () => {
    const { jobs, runner, add, status } = setup({ run: async () => undefined });
    // Stopped before anything is added: only the test claims jobs here.
    await runner.stop(0);
    const a = await add();
    const b = await add();
    // Simulate a crash mid-run: both claimed; b has already used its attempts.
    await jobs.claimNext(Date.now());
    await jobs.claimNext(Date.now());
    await jobs.requeue(b);
    await jobs.claimNext(Date.now());
    expect(await status(a)).toBe('running');
    expect((await jobs.get(b))?.attempts).toBe(2);
    const failed: string[] = [];
    const r2 = new JobRunner(
      jobs,
      {
        synthesize: { run: async () => undefined, onFailed: (j) => void failed.push(j.id) },
        register_speaker: { run: async () => undefined },
      },
      { concurrency: 1, maxAttempts: 2 },
      systemClock,
      log,
    );
    expect(await r2.recover()).toEqual({ requeued: 1, failed: 1 });
    expect(await status(a)).toBe('queued');
    expect(await jobs.get(b)).toMatchObject({ status: 'failed', error_code: 'INTERNAL_ERROR' });
    expect((await jobs.get(b))?.error_message).toMatch(/restart/);
    expect(failed).toEqual([b]);
  });

  it('cancels a running job through its abort signal and keeps it canceled', async () => {
    let sawAbort = false;
    const { jobs, runner, add, status } = setup({
      run: (_job, ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => {
            sawAbort = true;
            reject(ctx.signal.reason as Error);
          });
        }),
    });
    const id = await add();
    runner.start();
    await until(async () => (await status(id)) === 'running');
    expect(await runner.cancel(id)).toBe(true);
    await until(() => sawAbort);
    await until(() => runner.activeCount() === 0);
    expect(await jobs.get(id)).toMatchObject({ status: 'canceled', error_code: 'CANCELED' });
    await runner.stop(100);
  });

  it('tells the handler once about every cancel that changed a job, queued or running, and never about a finished one', async () => {
    const canceled: string[] = [];
    let release!: () => void;
    const { runner, add, status } = setup({
      run: (_job, ctx) =>
        new Promise<void>((resolve, reject) => {
          release = resolve;
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error));
        }),
      onCanceled: async (job) => {
        // Called after the row says canceled, before the running job is aborted.
        expect(await status(job.id)).toBe('canceled');
        canceled.push(job.id);
      },
    });
    const running = await add();
    const queued = await add();
    runner.start();
    await until(async () => (await status(running)) === 'running');
    expect(await runner.cancel(queued)).toBe(true);
    expect(await runner.cancel(running)).toBe(true);
    expect(await runner.cancel(running)).toBe(false); // already canceled: no second call
    await until(() => runner.activeCount() === 0);
    expect(canceled).toEqual([queued, running]);

    const finished = await add();
    await until(async () => (await status(finished)) === 'running');
    release();
    await until(async () => (await status(finished)) === 'succeeded');
    expect(await runner.cancel(finished)).toBe(false);
    expect(canceled).toEqual([queued, running]);
    await runner.stop(100);
  });

  it('still cancels the job when the handler cannot tidy up after it', async () => {
    const { runner, add, status } = setup({
      run: () => new Promise(() => {}),
      onCanceled: () => {
        throw new Error('disk gone');
      },
    });
    const id = await add();
    expect(await runner.cancel(id)).toBe(true);
    expect(await status(id)).toBe('canceled');
  });

  it('still cancels the job when the handler rejects while tidying up after it', async () => {
    const { runner, add, status } = setup({
      run: () => new Promise(() => {}),
      onCanceled: async () => {
        await Promise.resolve();
        throw new Error('disk gone');
      },
    });
    const id = await add();
    expect(await runner.cancel(id)).toBe(true);
    expect(await status(id)).toBe('canceled');
  });

  it('on stop, gives jobs that outlive the timeout back to the queue', async () => {
    const { runner, add, status } = setup({
      run: (_job, ctx) =>
        new Promise((_r, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('stopped')))),
    });
    const id = await add();
    runner.start();
    await until(async () => (await status(id)) === 'running');
    await runner.stop(50);
    expect(await status(id)).toBe('queued');
  });

  it('respects concurrency', async () => {
    let active = 0;
    let peak = 0;
    const { runner, add, status } = setup(
      {
        run: async () => {
          peak = Math.max(peak, ++active);
          await new Promise((r) => setTimeout(r, 30));
          active--;
        },
      },
      { concurrency: 2, maxAttempts: 1 },
    );
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await add());
    runner.start();
    await until(async () => (await Promise.all(ids.map(status))).every((s) => s === 'succeeded'));
    expect(peak).toBe(2);
    await runner.stop(100);
  });
});

/**
 * Fair sharing (issue 9): one project's backlog must not hold back another project's job. The next
 * job comes from the project with the fewest running jobs, among those the one served longest ago.
 */
describe('JobsRepo.claimNext across projects', () => {
  it('takes turns between projects instead of draining the oldest backlog first', async () => {
    const order: string[] = [];
    const { jobs, runner, add, status } = setup({
      run: async (job) => {
        order.push(job.project);
      },
    });
    // A's five jobs are all older than B's and C's single jobs.
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await add('a'));
    ids.push(await add('b'), await add('c'));
    runner.start();
    await until(async () => (await Promise.all(ids.map(status))).every((s) => s === 'succeeded'));
    expect(order).toEqual(['a', 'b', 'c', 'a', 'a', 'a', 'a']);
    // Within a project jobs still run in the order they came.
    const started = await Promise.all(
      ids.slice(0, 5).map(async (id) => (await jobs.get(id))?.started_at ?? 0),
    );
    expect([...started].sort((x, y) => x - y)).toEqual(started);
    await runner.stop(100);
  });

  it('prefers the project with the fewest running jobs when several run at once', async () => {
    const { jobs, runner, add } = setup({ run: async () => undefined });
    // Stopped before anything is added: only the test claims jobs here.
    await runner.stop(0);
    for (let i = 0; i < 4; i++) await add('a');
    await add('b');
    await add('b');
    const now = Date.now();
    const claimed: Array<string | undefined> = [];
    for (let i = 0; i < 4; i++) claimed.push((await jobs.claimNext(now))?.project);
    // a, then b (a has one running), then a (both one running, a served longer ago), then b.
    expect(claimed).toEqual(['a', 'b', 'a', 'b']);
    expect([(await jobs.claimNext(now))?.project, (await jobs.claimNext(now))?.project]).toEqual(['a', 'a']);
    expect(await jobs.claimNext(now)).toBeUndefined();
  });

  it('keeps the turn order in the database, so a restart does not hand the next turn back to the same project', async () => {
    const { db, file, jobs, runner, add } = setup({ run: async () => undefined });
    // Stopped before anything is added: only the test claims jobs here.
    await runner.stop(0);
    const a1 = await add('a');
    await add('a');
    const b1 = await add('b');
    expect((await jobs.claimNext(Date.now()))?.id).toBe(a1);
    await jobs.succeed(a1, null, Date.now());
    db.close();

    // A new process: a's second job is older than b's, but a was served last.
    const reopened = new JobsRepo(new SqliteSql(openDatabase(file)));
    expect((await reopened.claimNext(Date.now()))?.id).toBe(b1);
  });
});
