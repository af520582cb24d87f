import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/lib/clock.js';
import { KeyService } from '../../../src/services/keys.js';
import { loadOrCreateSecrets } from '../../../src/services/secrets.js';
import { csrfMatches, SessionService } from '../../../src/services/sessions.js';
import { openDatabase } from '../../../src/store/db.js';
import { KeysRepo } from '../../../src/store/keys-repo.js';
import { SessionsRepo } from '../../../src/store/sessions-repo.js';

/** Console sessions on a real SQLite file, with a clock the test moves. */
const HOUR = 3_600_000;

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'vr-sess-'));
  const db = openDatabase(join(dir, 'voicereel.db'));
  let now = Date.UTC(2026, 11, 1);
  const clock: Clock = { now: () => now };
  const keys = new KeyService(new KeysRepo(db), loadOrCreateSecrets(dir), clock);
  const sessions = new SessionService(new SessionsRepo(db), keys, clock, {
    session_idle_hours: 2,
    session_max_hours: 5,
  });
  const { key, id } = keys.create({ name: 'producer', project: 'p1', admin: false });
  return { db, keys, sessions, key, id, advance: (ms: number) => (now += ms) };
}

describe('console sessions', () => {
  it('exchanges a key for a token; only the token hash is stored, never the key or the token', () => {
    const { db, sessions, key, id } = setup();
    expect(sessions.signIn('vr_not-a-key')).toBeUndefined();
    const made = sessions.signIn(key)!;
    expect(made.session.principal).toEqual({ keyId: id, project: 'p1', admin: false });
    const rows = db.prepare('SELECT * FROM console_sessions').all() as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(1);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(made.token);
    expect(stored).not.toContain(key);
    expect(rows[0]!.token_hash).toBe(createHash('sha256').update(made.token).digest('hex'));
    expect(sessions.resolve(made.token)?.csrfToken).toBe(made.session.csrfToken);
  });

  it('ends after the idle limit, and at the hard limit however active', () => {
    const { sessions, key, advance } = setup();
    const idle = sessions.signIn(key)!;
    advance(2 * HOUR);
    expect(sessions.resolve(idle.token)).toBeUndefined();

    const busy = sessions.signIn(key)!;
    for (let h = 0; h < 4; h++) {
      advance(HOUR + 1);
      expect(sessions.resolve(busy.token)).toBeDefined();
    }
    advance(HOUR);
    expect(sessions.resolve(busy.token)).toBeUndefined();
  });

  it('ends on sign-out and when its key is revoked', () => {
    const { sessions, keys, key, id } = setup();
    const a = sessions.signIn(key)!;
    const b = sessions.signIn(key)!;
    sessions.signOut(a.token);
    expect(sessions.resolve(a.token)).toBeUndefined();
    expect(sessions.resolve(b.token)).toBeDefined();
    keys.revoke(id);
    expect(sessions.resolve(b.token)).toBeUndefined();
    expect(sessions.signIn(key)).toBeUndefined();
  });

  it('checks the CSRF token exactly', () => {
    expect(csrfMatches('abc', 'abc')).toBe(true);
    expect(csrfMatches('abc', 'abd')).toBe(false);
    expect(csrfMatches('abc', '')).toBe(false);
  });
});
