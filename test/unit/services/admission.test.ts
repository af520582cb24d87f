import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/errors.js';
import { type ActiveJobLimits, JobAdmission } from '../../../src/services/admission.js';
import { openDatabase } from '../../../src/store/db.js';
import { JobsRepo } from '../../../src/store/jobs-repo.js';
import { SqliteSql } from '../../../src/store/sql/sqlite.js';

/** Admission limits on queued + running jobs (issue 9), against a real database. */

function setup(limits: ActiveJobLimits) {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'vr-adm-')), 'db.sqlite'));
  const jobs = new JobsRepo(new SqliteSql(db));
  let n = 0;
  const add = async (project: string, keyId: string) => {
    const id = `job_${String(++n).padStart(16, '0')}`;
    await jobs.insert({ id, project, key_id: keyId, type: 'synthesize', payload_json: '{}', created_at: n });
    return id;
  };
  return { jobs, add, admission: new JobAdmission(jobs, limits) };
}

async function refusal(fn: () => Promise<unknown>): Promise<ApiError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

const a1 = { project: 'a', keyId: 'key_a1' };
const a2 = { project: 'a', keyId: 'key_a2' };
const b1 = { project: 'b', keyId: 'key_b1' };

describe('JobAdmission', () => {
  it("names the caller's own key first, then its project, then the shared queue", async () => {
    const { add, admission } = setup({ queueMaxDepth: 5, perProject: 3, perKey: 2 });
    await add('a', 'key_a1');
    await add('a', 'key_a1');
    const key = await refusal(() => admission.ensureRoom(a1));
    expect([key.status, key.code, key.details]).toEqual([
      429,
      'RATE_LIMITED',
      { limit: 'active_jobs_per_key', max: 2 },
    ]);
    expect(key.headers['Retry-After']).toBe('10');

    await admission.ensureRoom(a2);
    await add('a', 'key_a2');
    const project = await refusal(() => admission.ensureRoom(a2));
    expect(project.details).toEqual({ limit: 'active_jobs_per_project', max: 3 });

    await admission.ensureRoom(b1);
    await add('b', 'key_b1');
    await add('b', 'key_b1');
    const full = await refusal(() => admission.ensureRoom({ project: 'c', keyId: 'key_c1' }));
    expect([full.status, full.code, full.details]).toEqual([
      503,
      'UNAVAILABLE',
      { limit: 'queue_depth', max: 5 },
    ]);
  });

  it('counts only queued and running jobs, and a cap of 0 is off', async () => {
    const { jobs, add, admission } = setup({ queueMaxDepth: 100, perProject: 0, perKey: 1 });
    const first = await add('a', 'key_a1');
    await expect(admission.ensureRoom(a1)).rejects.toThrow(ApiError);
    await jobs.claimNext(1000);
    await expect(admission.ensureRoom(a1)).rejects.toThrow(ApiError);
    await jobs.succeed(first, null, 2000);
    await admission.ensureRoom(a1);
    for (let i = 0; i < 10; i++) await add('a', `key_other${i}`);
    await admission.ensureRoom(a1);
    await jobs.cancel(await add('a', 'key_a1'), 3000);
    await admission.ensureRoom(a1);
  });

  it('says to retry after the mean run time of recently finished jobs, within 1 s to 10 min', async () => {
    const { jobs, add, admission } = setup({ queueMaxDepth: 1, perProject: 0, perKey: 0 });
    const finish = async (seconds: number) => {
      const id = await add('a', 'key_a1');
      expect((await jobs.claimNext(0))?.id).toBe(id);
      await jobs.succeed(id, null, seconds * 1000);
    };
    const retry = async () => (await refusal(() => admission.ensureRoom(b1))).headers['Retry-After'];
    await finish(3);
    await finish(6);
    const running = await add('a', 'key_a1');
    await jobs.claimNext(0);
    expect(await retry()).toBe('5');
    await jobs.succeed(running, null, 200);
    const queued = await add('a', 'key_a1');
    // The mean of 3, 6 and 0.2 s, rounded up.
    expect(await retry()).toBe('4');
    await jobs.cancel(queued, 0);
    await finish(5000);
    await add('a', 'key_a1');
    expect(await retry()).toBe('600');
  });
});
