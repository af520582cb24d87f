import { errors } from '../errors.js';
import { type Clock, monthOf, msUntilNextMonth } from '../lib/clock.js';
import type { Store } from '../store/index.js';
import type { Principal } from './keys.js';

/**
 * The monthly character quota of a key (0: none), checked before any work for a request is done.
 * Jobs accepted but not finished count too, or quick requests could overrun the quota.
 */
export async function ensureCharacterQuota(
  store: Pick<Store, 'usage' | 'jobs'>,
  clock: Clock,
  quota: number,
  who: Principal,
  characters: number,
): Promise<void> {
  if (quota <= 0) return;
  const now = clock.now();
  const used =
    (await store.usage.charactersFor(who.keyId, monthOf(now))) +
    (await store.jobs.pendingCharacters(who.keyId));
  if (used + characters > quota) {
    throw errors.quotaExceeded(
      msUntilNextMonth(now) / 1000,
      `This request needs ${characters} characters; ${Math.max(0, quota - used)} of the monthly ${quota} remain.`,
    );
  }
}
