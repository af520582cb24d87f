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
import { SqliteSql } from '../../../src/store/sql/sqlite.js';

/** Console sessions on a real SQLite file, with a clock the test moves. */
const HOUR = 3_600_000;

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'vr-sess-'));
  const db = openDatabase(join(dir, 'voicereel.db'));
  let now = Date.UTC(2026, 11, 1);
  const clock: Clock = { now: () => now };
  const sql = new SqliteSql(db);
  const keys = new KeyService(new KeysRepo(sql), loadOrCreateSecrets(dir), clock);
  const sessions = new SessionService(new SessionsRepo(sql), keys, clock, {
    session_idle_hours: 2,
    session_max_hours: 5,
  });
  const { key, id } = await keys.create({ name: 'producer', project: 'p1', admin: false });
  return { db, keys, sessions, key, id, advance: (ms: number) => (now += ms) };
}

describe('console sessions', () => {
  it('exchanges a key for a token; only the token hash is stored, never the key or the token', async () => {
    const { db, sessions, key, id } = await setup();
    expect(await sessions.signIn('vr_not-a-key')).toBeUndefined();
    const made = (await sessions.signIn(key))!;
    expect(made.session.principal).toEqual({ keyId: id, project: 'p1', admin: false });
    const rows = db.prepare('SELECT * FROM console_sessions').all() as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(1);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(made.token);
    expect(stored).not.toContain(key);
    expect(rows[0]!.token_hash).toBe(createHash('sha256').update(made.token).digest('hex'));
    expect((await sessions.resolve(made.token))?.csrfToken).toBe(made.session.csrfToken);
  });

  it('ends after the idle limit, and at the hard limit however active', async () => {
    const { sessions, key, advance } = await setup();
    const idle = (await sessions.signIn(key))!;
    advance(2 * HOUR);
    expect(await sessions.resolve(idle.token)).toBeUndefined();

    const busy = (await sessions.signIn(key))!;
    for (let h = 0; h < 4; h++) {
      advance(HOUR + 1);
      expect(await sessions.resolve(busy.token)).toBeDefined();
    }
    advance(HOUR);
    expect(await sessions.resolve(busy.token)).toBeUndefined();
  });

  it('ends on sign-out and when its key is revoked', async () => {
    const { sessions, keys, key, id } = await setup();
    const a = (await sessions.signIn(key))!;
    const b = (await sessions.signIn(key))!;
    await sessions.signOut(a.token);
    expect(await sessions.resolve(a.token)).toBeUndefined();
    expect(await sessions.resolve(b.token)).toBeDefined();
    await keys.revoke(id);
    expect(await sessions.resolve(b.token)).toBeUndefined();
    expect(await sessions.signIn(key)).toBeUndefined();
  });

  it('checks the CSRF token exactly', () => {
    expect(csrfMatches('abc', 'abc')).toBe(true);
    expect(csrfMatches('abc', 'abd')).toBe(false);
    expect(csrfMatches('abc', '')).toBe(false);
  });
});
