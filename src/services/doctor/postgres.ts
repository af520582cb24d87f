import type { DatabaseConfig } from '../../config/database.js';
import { inspectPostgres } from '../../store/postgres/open.js';
import { type Migration, migrations as shipped } from '../../store/migrations/index.js';
import { bad, type CheckResult, ok } from './result.js';

/**
 * The PostgreSQL database of `[database] url`, looked at without changing it: it answers, and its
 * schema is the one this version ships (migrations pending are applied by the next node to start).
 */
export async function checkPostgres(db: DatabaseConfig, list: Migration[] = shipped): Promise<CheckResult> {
  const id = 'database';
  const name = 'database (PostgreSQL)';
  const where = redact(db.url);
  let found;
  try {
    found = await inspectPostgres(db, list);
  } catch (err) {
    return bad(
      id,
      name,
      'fail',
      `${where} cannot be reached: ${(err as Error).message}`,
      'check [database] url, the password (password_file or VR_DATABASE_PASSWORD), ssl and the network',
    );
  }
  const { version, status } = found;
  if (status.unknown.length > 0) {
    return bad(
      id,
      name,
      'fail',
      `${where} has migrations this version does not know (${status.unknown.join(', ')}): a newer VoiceReel migrated it`,
      'run the newer version on every node',
    );
  }
  if (status.pending.length > 0) {
    return bad(
      id,
      name,
      'warn',
      `${where} (${version}) answers; ${status.pending.length} migration(s) pending (${status.pending.join(', ')})`,
      'the first node to start applies them, once for the cluster',
    );
  }
  return ok(
    id,
    name,
    `${where} (${version}) answers and is up to date (${status.applied.length} migration(s))`,
  );
}

/** The URL as it may be printed: never its password. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the configured database';
  }
}
