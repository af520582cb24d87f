import { errors } from '../errors.js';
import { isWellFormedId } from '../lib/ids.js';
import type { Store } from '../store/index.js';
import type { JobRow } from '../store/jobs-repo.js';
import type { ObjectStore } from '../store/objects/object-store.js';
import { type JobView, viewJob } from './job-view.js';
import { type Principal, projectScope } from './keys.js';
import type { Presigner } from './presign.js';
import type { JobListQuery } from './schemas/requests.js';

export interface JobPage {
  items: JobView[];
  next_cursor: string | null;
}

/** Reading, listing and canceling jobs, always within the caller's project (an admin's: any). */
export class JobService {
  constructor(
    private readonly deps: {
      store: Store;
      objects: ObjectStore;
      presigner: Presigner;
      /** The queue's cancel (jobs/ sits above services): aborts a running job, drops a queued one. */
      runner: { cancel(jobId: string): Promise<unknown> };
    },
  ) {}

  async get(who: Principal, id: string | undefined): Promise<JobView> {
    return this.view(await this.find(who, id));
  }

  /** Newest first; the cursor is opaque to clients (the last row's time and id). */
  async list(who: Principal, q: JobListQuery): Promise<JobPage> {
    if (!who.admin && q.project !== undefined && q.project !== who.project) {
      throw errors.forbidden('A project key lists only its own project’s jobs.');
    }
    const limit = q.limit ?? 20;
    const rows = await this.deps.store.jobs.list({
      project: who.admin ? q.project : who.project,
      status: q.status,
      type: q.type,
      createdAfter: q.created_after === undefined ? undefined : Date.parse(q.created_after),
      createdBefore: q.created_before === undefined ? undefined : Date.parse(q.created_before),
      after: q.cursor === undefined ? undefined : decodeCursor(q.cursor),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: await Promise.all(page.map((row) => this.view(row))),
      next_cursor: rows.length > limit && last ? encodeCursor(last) : null,
    };
  }

  /** Cancels a queued or running job and deletes whatever files it has; finished jobs just lose their files. */
  async cancel(who: Principal, id: string | undefined): Promise<void> {
    const job = await this.find(who, id);
    await this.deps.runner.cancel(job.id);
    await this.deps.store.files.deleteForJob(job.id);
    await this.deps.objects.remove(`jobs/${job.id}`);
  }

  private async find(who: Principal, id: string | undefined): Promise<JobRow> {
    if (!id || !isWellFormedId(id, 'job')) throw errors.notFound('Job');
    const job = await this.deps.store.jobs.get(id, projectScope(who));
    if (!job) throw errors.notFound('Job');
    return job;
  }

  private view(job: JobRow): Promise<JobView> {
    return viewJob(this.deps.store, this.deps.presigner, job);
  }
}

function encodeCursor(row: JobRow): string {
  return Buffer.from(JSON.stringify([row.created_at, row.id])).toString('base64url');
}

function decodeCursor(cursor: string): { created_at: number; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof at === 'number' &&
      Number.isSafeInteger(at) &&
      typeof id === 'string' &&
      isWellFormedId(id, 'job')
    ) {
      return { created_at: at, id };
    }
  } catch {
    // Falls through to the one refusal below: a cursor is only ever what a previous page gave.
  }
  throw errors.invalidInput('cursor is not one this server gave.', { field: 'cursor' });
}
