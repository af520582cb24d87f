import { errors } from '../errors.js';
import type { JobsRepo } from '../store/jobs-repo.js';

/** Every kind of job counts against one queue depth; past it, new work is refused with 503. */
export function ensureQueueRoom(jobs: JobsRepo, maxDepth: number): void {
  if (jobs.activeCount() >= maxDepth)
    throw errors.unavailable('The job queue is full; try again shortly.', 10);
}
