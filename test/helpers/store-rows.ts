import type { Store } from '../../src/store/index.js';

/** A queued synthesis job of project `p`, key `k`, with an empty payload. */
export async function insertQueuedJob(store: Store, id: string, createdAt: number): Promise<string> {
  await store.jobs.insert({
    id,
    project: 'p',
    key_id: 'k',
    type: 'synthesize',
    payload_json: '{}',
    created_at: createdAt,
  });
  return id;
}
