import { errors } from '../errors.js';
import type { JobsRepo } from '../store/jobs-repo.js';
import type { Principal } from './keys.js';

export interface ActiveJobLimits {
  /** Queued and running jobs of everyone together; past it, new work is refused with 503. */
  queueMaxDepth: number;
  /** Per project and per key (429 RATE_LIMITED); 0 turns that cap off. */
  perProject: number;
  perKey: number;
}

/** Retry-After when no job has finished yet to learn from, and the most it ever says. */
const DEFAULT_RETRY_SECONDS = 10;
const MAX_RETRY_SECONDS = 600;

/**
 * Admission of new jobs (registrations and syntheses alike). Per-key and per-project caps keep one
 * tenant from filling the shared queue; the global depth still bounds the whole. Services call
 * ensureRoom() before doing any work for a request, and again inside the transaction that inserts
 * the job row, with that transaction's repository: the store serialises those transactions (SQLite
 * has one writer; on PostgreSQL they take the admission lock), so nothing slips in between.
 */
export class JobAdmission {
  constructor(
    private readonly jobs: Pick<JobsRepo, 'activeCounts' | 'recentRunSeconds'>,
    private readonly limits: ActiveJobLimits,
  ) {}

  /** Throws the refusal naming the first limit reached: the caller's own key, its project, then everyone's. */
  async ensureRoom(
    who: Pick<Principal, 'keyId' | 'project'>,
    jobs: Pick<JobsRepo, 'activeCounts' | 'recentRunSeconds'> = this.jobs,
  ): Promise<void> {
    const { perKey, perProject, queueMaxDepth } = this.limits;
    const active = await jobs.activeCounts(who.project, who.keyId);
    if (perKey > 0 && active.key >= perKey) {
      throw errors.activeJobsLimit('key', perKey, await this.retryAfterSeconds(jobs));
    }
    if (perProject > 0 && active.project >= perProject) {
      throw errors.activeJobsLimit('project', perProject, await this.retryAfterSeconds(jobs));
    }
    if (active.total >= queueMaxDepth) {
      throw errors.unavailable(
        'The job queue is full; try again shortly.',
        await this.retryAfterSeconds(jobs),
        {
          limit: 'queue_depth',
          max: queueMaxDepth,
        },
      );
    }
  }

  /** A slot frees when a job finishes: the recent mean run time is the estimate of when. */
  private async retryAfterSeconds(jobs: Pick<JobsRepo, 'recentRunSeconds'>): Promise<number> {
    const mean = await jobs.recentRunSeconds();
    if (mean === null) return DEFAULT_RETRY_SECONDS;
    return Math.min(MAX_RETRY_SECONDS, Math.max(1, Math.ceil(mean)));
  }
}
