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

const log = pino({ level: 'silent' });

function setup(handler: JobHandler, opts = { concurrency: 1, maxAttempts: 2 }) {
  const file = join(mkdtempSync(join(tmpdir(), 'vr-q-')), 'db.sqlite');
  const db = openDatabase(file);
  const jobs = new JobsRepo(db);
  const runner = new JobRunner(
    jobs,
    { synthesize: handler, register_speaker: handler },
    { ...opts, pollMs: 20 },
    systemClock,
    log,
  );
  let n = 0;
  const add = (project = 'p') => {
    const id = `job_${String(++n).padStart(16, '0')}`;
    jobs.insert({
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
  return { db, file, jobs, runner, add };
}

const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('JobRunner', () => {
  it('runs queued jobs in order and records success, progress and failures with codes', async () => {
    const order: string[] = [];
    const { jobs, runner, add } = setup({
      run: async (job, ctx) => {
        order.push(job.id);
        ctx.progress(0.5);
        if (order.length === 2) throw new JobFailure('SCRIPT_MISMATCH', 'nope');
        if (order.length === 3) throw new Error('secret internals');
        return { ok: true };
      },
    });
    const ids = [add(), add(), add()];
    runner.start();
    await until(() => ids.every((id) => !['queued', 'running'].includes(jobs.get(id)?.status ?? '')));
    expect(order).toEqual(ids);
    expect(jobs.get(ids[0] as string)).toMatchObject({ status: 'succeeded', progress: 1 });
    expect(JSON.parse(jobs.get(ids[0] as string)?.result_json ?? 'null')).toEqual({ ok: true });
    expect(jobs.get(ids[1] as string)).toMatchObject({
      status: 'failed',
      error_code: 'SCRIPT_MISMATCH',
      error_message: 'nope',
    });
    const third = jobs.get(ids[2] as string);
    expect(third).toMatchObject({ status: 'failed', error_code: 'INTERNAL_ERROR' });
    expect(third?.error_message).not.toContain('secret');
    await runner.stop(1000);
  });

  it('fails a job that ran out of disk space with a clear UNAVAILABLE reason, not a bare internal error', async () => {
    // What the chaos suite's disk-full check saw: ENOSPC from the result write, or SQLITE_FULL.
    const nospace = (code: string) =>
      Object.assign(new Error(`${code}: no space left on device, write '/var/x'`), { code });
    let n = 0;
    const { jobs, runner, add } = setup({
      run: async () => {
        throw nospace(++n === 1 ? 'ENOSPC' : 'SQLITE_FULL');
      },
    });
    const ids = [add(), add()];
    runner.start();
    await until(() => ids.every((id) => jobs.get(id)?.status === 'failed'));
    for (const id of ids) {
      const job = jobs.get(id);
      expect(job?.error_code).toBe('UNAVAILABLE');
      expect(job?.error_message).toMatch(/disk space/);
      expect(job?.error_message).not.toMatch(/ENOSPC|SQLITE|\/var/);
    }
    await runner.stop(1000);
  });

  it('requeues jobs left running by a crash and fails them after max attempts', () => {
    const { jobs, runner, add } = setup({ run: async () => undefined });
    const a = add();
    const b = add();
    // Simulate a crash mid-run: both claimed; b has already used its attempts.
    jobs.claimNext(Date.now());
    jobs.claimNext(Date.now());
    jobs.requeue(b);
    jobs.claimNext(Date.now());
    expect(jobs.get(a)?.status).toBe('running');
    expect(jobs.get(b)?.attempts).toBe(2);
    const failed: string[] = [];
    const r2 = new JobRunner(
      jobs,
      {
        synthesize: { run: async () => undefined, onFailed: (j) => failed.push(j.id) },
        register_speaker: { run: async () => undefined },
      },
      { concurrency: 1, maxAttempts: 2 },
      systemClock,
      log,
    );
    expect(r2.recover()).toEqual({ requeued: 1, failed: 1 });
    expect(jobs.get(a)?.status).toBe('queued');
    expect(jobs.get(b)).toMatchObject({ status: 'failed', error_code: 'INTERNAL_ERROR' });
    expect(jobs.get(b)?.error_message).toMatch(/restart/);
    expect(failed).toEqual([b]);
    void runner.stop(0);
  });

  it('cancels a running job through its abort signal and keeps it canceled', async () => {
    let sawAbort = false;
    const { jobs, runner, add } = setup({
      run: (_job, ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => {
            sawAbort = true;
            reject(ctx.signal.reason as Error);
          });
        }),
    });
    const id = add();
    runner.start();
    await until(() => jobs.get(id)?.status === 'running');
    expect(runner.cancel(id)).toBe(true);
    await until(() => sawAbort);
    await until(() => runner.activeCount() === 0);
    expect(jobs.get(id)).toMatchObject({ status: 'canceled', error_code: 'CANCELED' });
    await runner.stop(100);
  });

  it('tells the handler once about every cancel that changed a job, queued or running, and never about a finished one', async () => {
    const canceled: string[] = [];
    let release!: () => void;
    const { jobs, runner, add } = setup({
      run: (_job, ctx) =>
        new Promise<void>((resolve, reject) => {
          release = resolve;
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error));
        }),
      onCanceled: (job) => {
        // Called after the row says canceled, before the running job is aborted.
        expect(jobs.get(job.id)?.status).toBe('canceled');
        canceled.push(job.id);
      },
    });
    const running = add();
    const queued = add();
    runner.start();
    await until(() => jobs.get(running)?.status === 'running');
    expect(runner.cancel(queued)).toBe(true);
    expect(runner.cancel(running)).toBe(true);
    expect(runner.cancel(running)).toBe(false); // already canceled: no second call
    await until(() => runner.activeCount() === 0);
    expect(canceled).toEqual([queued, running]);

    const finished = add();
    await until(() => jobs.get(finished)?.status === 'running');
    release();
    await until(() => jobs.get(finished)?.status === 'succeeded');
    expect(runner.cancel(finished)).toBe(false);
    expect(canceled).toEqual([queued, running]);
    await runner.stop(100);
  });

  it('still cancels the job when the handler cannot tidy up after it', async () => {
    const { jobs, runner, add } = setup({
      run: () => new Promise(() => {}),
      onCanceled: () => {
        throw new Error('disk gone');
      },
    });
    const id = add();
    expect(runner.cancel(id)).toBe(true);
    expect(jobs.get(id)?.status).toBe('canceled');
  });

  it('on stop, gives jobs that outlive the timeout back to the queue', async () => {
    const { jobs, runner, add } = setup({
      run: (_job, ctx) =>
        new Promise((_r, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('stopped')))),
    });
    const id = add();
    runner.start();
    await until(() => jobs.get(id)?.status === 'running');
    await runner.stop(50);
    expect(jobs.get(id)?.status).toBe('queued');
  });

  it('respects concurrency', async () => {
    let active = 0;
    let peak = 0;
    const { jobs, runner, add } = setup(
      {
        run: async () => {
          peak = Math.max(peak, ++active);
          await new Promise((r) => setTimeout(r, 30));
          active--;
        },
      },
      { concurrency: 2, maxAttempts: 1 },
    );
    const ids = Array.from({ length: 6 }, () => add());
    runner.start();
    await until(() => ids.every((id) => jobs.get(id)?.status === 'succeeded'));
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
    const { jobs, runner, add } = setup({
      run: async (job) => {
        order.push(job.project);
      },
    });
    // A's five jobs are all older than B's and C's single jobs.
    const ids = [...Array.from({ length: 5 }, () => add('a')), add('b'), add('c')];
    runner.start();
    await until(() => ids.every((id) => jobs.get(id)?.status === 'succeeded'));
    expect(order).toEqual(['a', 'b', 'c', 'a', 'a', 'a', 'a']);
    // Within a project jobs still run in the order they came.
    const started = ids.slice(0, 5).map((id) => jobs.get(id)?.started_at ?? 0);
    expect([...started].sort((x, y) => x - y)).toEqual(started);
    await runner.stop(100);
  });

  it('prefers the project with the fewest running jobs when several run at once', () => {
    const { jobs, runner, add } = setup({ run: async () => undefined });
    for (let i = 0; i < 4; i++) add('a');
    add('b');
    add('b');
    const now = Date.now();
    const claimed = Array.from({ length: 4 }, () => jobs.claimNext(now)?.project);
    // a, then b (a has one running), then a (both one running, a served longer ago), then b.
    expect(claimed).toEqual(['a', 'b', 'a', 'b']);
    expect([jobs.claimNext(now)?.project, jobs.claimNext(now)?.project]).toEqual(['a', 'a']);
    expect(jobs.claimNext(now)).toBeUndefined();
    void runner.stop(0);
  });

  it('keeps the turn order in the database, so a restart does not hand the next turn back to the same project', () => {
    const { db, file, jobs, runner, add } = setup({ run: async () => undefined });
    const a1 = add('a');
    add('a');
    const b1 = add('b');
    expect(jobs.claimNext(Date.now())?.id).toBe(a1);
    jobs.succeed(a1, null, Date.now());
    void runner.stop(0);
    db.close();

    // A new process: a's second job is older than b's, but a was served last.
    const reopened = new JobsRepo(openDatabase(file));
    expect(reopened.claimNext(Date.now())?.id).toBe(b1);
  });
});
