/** What services need of the job queue, which sits above them (jobs/): wake it for a new row, cancel one. */
export interface QueuePort {
  notify(): void;
  cancel(jobId: string): Promise<unknown>;
}

/**
 * The queue as the services see it before the runner exists: the runner's handlers call the
 * services, so they are built first and the runner is bound once it is made (before any request).
 */
export class LateQueue implements QueuePort {
  private runner: QueuePort | undefined;

  bind(runner: QueuePort): void {
    this.runner = runner;
  }

  notify(): void {
    this.runner?.notify();
  }

  async cancel(jobId: string): Promise<unknown> {
    if (!this.runner) throw new Error('job queue used before it was bound');
    return this.runner.cancel(jobId);
  }
}
