import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/errors.js';
import { type ActiveJobLimits, JobAdmission } from '../../../src/services/admission.js';
import { openDatabase } from '../../../src/store/db.js';
import { JobsRepo } from '../../../src/store/jobs-repo.js';

/** Admission limits on queued + running jobs (issue 9), against a real database. */

function setup(limits: ActiveJobLimits) {
  const jobs = new JobsRepo(openDatabase(join(mkdtempSync(join(tmpdir(), 'vr-adm-')), 'db.sqlite')));
  let n = 0;
  const add = (project: string, keyId: string) => {
    const id = `job_${String(++n).padStart(16, '0')}`;
    jobs.insert({ id, project, key_id: keyId, type: 'synthesize', payload_json: '{}', created_at: n });
    return id;
  };
  return { jobs, add, admission: new JobAdmission(jobs, limits) };
}

function refusal(fn: () => void): ApiError {
  try {
    fn();
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
  it("names the caller's own key first, then its project, then the shared queue", () => {
    const { add, admission } = setup({ queueMaxDepth: 5, perProject: 3, perKey: 2 });
    add('a', 'key_a1');
    add('a', 'key_a1');
    const key = refusal(() => admission.ensureRoom(a1));
    expect([key.status, key.code, key.details]).toEqual([
      429,
      'RATE_LIMITED',
      { limit: 'active_jobs_per_key', max: 2 },
    ]);
    expect(key.headers['Retry-After']).toBe('10');

    admission.ensureRoom(a2);
    add('a', 'key_a2');
    const project = refusal(() => admission.ensureRoom(a2));
    expect(project.details).toEqual({ limit: 'active_jobs_per_project', max: 3 });

    admission.ensureRoom(b1);
    add('b', 'key_b1');
    add('b', 'key_b1');
    const full = refusal(() => admission.ensureRoom({ project: 'c', keyId: 'key_c1' }));
    expect([full.status, full.code, full.details]).toEqual([
      503,
      'UNAVAILABLE',
      { limit: 'queue_depth', max: 5 },
    ]);
  });

  it('counts only queued and running jobs, and a cap of 0 is off', () => {
    const { jobs, add, admission } = setup({ queueMaxDepth: 100, perProject: 0, perKey: 1 });
    const first = add('a', 'key_a1');
    expect(() => admission.ensureRoom(a1)).toThrow(ApiError);
    jobs.claimNext(1000);
    expect(() => admission.ensureRoom(a1)).toThrow(ApiError);
    jobs.succeed(first, null, 2000);
    admission.ensureRoom(a1);
    for (let i = 0; i < 10; i++) add('a', `key_other${i}`);
    admission.ensureRoom(a1);
    jobs.cancel(add('a', 'key_a1'), 3000);
    admission.ensureRoom(a1);
  });

  it('says to retry after the mean run time of recently finished jobs, within 1 s to 10 min', () => {
    const { jobs, add, admission } = setup({ queueMaxDepth: 1, perProject: 0, perKey: 0 });
    const finish = (seconds: number) => {
      const id = add('a', 'key_a1');
      expect(jobs.claimNext(0)?.id).toBe(id);
      jobs.succeed(id, null, seconds * 1000);
    };
    const retry = () => refusal(() => admission.ensureRoom(b1)).headers['Retry-After'];
    finish(3);
    finish(6);
    const running = add('a', 'key_a1');
    jobs.claimNext(0);
    expect(retry()).toBe('5');
    jobs.succeed(running, null, 200);
    const queued = add('a', 'key_a1');
    // The mean of 3, 6 and 0.2 s, rounded up.
    expect(retry()).toBe('4');
    jobs.cancel(queued, 0);
    finish(5000);
    add('a', 'key_a1');
    expect(retry()).toBe('600');
  });
});
