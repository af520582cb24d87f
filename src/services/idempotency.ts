import { errors } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import type { IdempotencyRepo } from '../store/idempotency-repo.js';

/** How long a key's first answer is kept and replayed. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/**
 * A claim still unanswered after this long was left by a process that stopped mid-request (the
 * body deadline ends any live request well before): a retry may run afresh.
 */
const ABANDONED_AFTER_MS = 15 * 60_000;

export interface StoredAnswer {
  status: number;
  body: unknown;
  location: string | null;
}

/**
 * Idempotency-Key: the first request with a key runs; a retry with the same key and the same
 * request gets the first answer again, with another request a conflict. Scoped per API key.
 */
export class IdempotencyService {
  constructor(
    private readonly repo: IdempotencyRepo,
    private readonly clock: Clock,
  ) {}

  /** Undefined: this request runs (and must then `complete` or `release`); else the answer to replay. */
  async begin(keyId: string, idemKey: string, requestSha: string): Promise<StoredAnswer | undefined> {
    const now = this.clock.now();
    const row = await this.repo.claim(
      {
        key_id: keyId,
        idem_key: idemKey,
        request_sha: requestSha,
        created_at: now,
        expires_at: now + IDEMPOTENCY_TTL_MS,
      },
      now - ABANDONED_AFTER_MS,
    );
    if (!row) return undefined;
    if (row.request_sha !== requestSha) {
      throw errors.idempotencyConflict(
        'This Idempotency-Key was used with a different request; use a new key.',
      );
    }
    if (row.status === null || row.response_json === null) {
      throw errors.idempotencyConflict(
        'The first request with this Idempotency-Key is still being answered; retry shortly.',
        1,
      );
    }
    return { status: row.status, body: JSON.parse(row.response_json) as unknown, location: row.location };
  }

  complete(keyId: string, idemKey: string, answer: StoredAnswer): Promise<void> {
    return this.repo.complete(keyId, idemKey, answer.status, JSON.stringify(answer.body), answer.location);
  }

  release(keyId: string, idemKey: string): Promise<void> {
    return this.repo.release(keyId, idemKey);
  }
}
