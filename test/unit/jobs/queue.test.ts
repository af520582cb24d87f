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
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'vr-q-')), 'db.sqlite'));
  const jobs = new JobsRepo(db);
  const runner = new JobRunner(
    jobs,
    { synthesize: handler, register_speaker: handler },
    { ...opts, pollMs: 20 },
    systemClock,
    log,
  );
  let n = 0;
  const add = () => {
    const id = `job_${String(++n).padStart(16, '0')}`;
    jobs.insert({
      id,
      project: 'p',
      key_id: 'k',
      type: 'synthesize',
      payload_json: '{}',
      created_at: Date.now() + n,
    });
    runner.notify();
    return id;
  };
  return { db, jobs, runner, add };
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
    const ids = Array.from({ length: 6 }, add);
    runner.start();
    await until(() => ids.every((id) => jobs.get(id)?.status === 'succeeded'));
    expect(peak).toBe(2);
    await runner.stop(100);
  });
});
