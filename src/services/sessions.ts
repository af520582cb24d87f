import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../lib/clock.js';
import type { SessionsRepo } from '../store/sessions-repo.js';
import { constantTimeEqualHex, type KeyService, type Principal } from './keys.js';

/** `[console]` session limits, in hours as configured. */
export interface SessionPolicy {
  /** A session unused for this long ends. */
  session_idle_hours: number;
  /** A session ends this long after sign-in, however active. */
  session_max_hours: number;
}

const HOUR_MS = 3_600_000;

export interface ConsoleSession {
  principal: Principal;
  /** Sent back by the page in X-VR-CSRF on every state-changing request. */
  csrfToken: string;
  /** When the session ends unless used again (the idle limit, capped by the hard one). */
  expiresAt: number;
}

/** last_seen_at is written at most this often per session: one write per request is not needed. */
const TOUCH_EVERY_MS = 30_000;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

/**
 * Console sign-in: an API key is exchanged for a random session token (the HttpOnly cookie), so the
 * key itself never stays in the browser. Only the token's hash is stored. A session stands for its key:
 * it ends when the key is revoked, on sign-out, when idle too long, or at its hard expiry.
 */
export class SessionService {
  private readonly idleMs: number;
  private readonly maxMs: number;

  constructor(
    private readonly repo: SessionsRepo,
    private readonly keys: KeyService,
    private readonly clock: Clock,
    policy: SessionPolicy,
  ) {
    this.idleMs = policy.session_idle_hours * HOUR_MS;
    this.maxMs = policy.session_max_hours * HOUR_MS;
  }

  /** undefined when the key is unknown or revoked. */
  async signIn(key: string): Promise<{ token: string; session: ConsoleSession } | undefined> {
    const principal = await this.keys.authenticate(key);
    if (!principal) return undefined;
    const now = this.clock.now();
    await this.repo.purge(now, now - this.idleMs);
    const token = newToken();
    const csrfToken = newToken();
    const expiresAt = now + this.maxMs;
    await this.repo.insert({
      token_hash: hashToken(token),
      key_id: principal.keyId,
      csrf_token: csrfToken,
      created_at: now,
      last_seen_at: now,
      expires_at: expiresAt,
    });
    return { token, session: { principal, csrfToken, expiresAt: this.deadline(now, expiresAt) } };
  }

  /** The live session behind a cookie's token, or undefined (and an ended one is deleted). */
  async resolve(token: string): Promise<ConsoleSession | undefined> {
    const tokenHash = hashToken(token);
    const row = await this.repo.get(tokenHash);
    if (!row) return undefined;
    const now = this.clock.now();
    const principal = await this.keys.principalById(row.key_id);
    if (!principal || now >= row.expires_at || now - row.last_seen_at >= this.idleMs) {
      await this.repo.delete(tokenHash);
      return undefined;
    }
    if (now - row.last_seen_at >= TOUCH_EVERY_MS) await this.repo.touch(tokenHash, now);
    return { principal, csrfToken: row.csrf_token, expiresAt: this.deadline(now, row.expires_at) };
  }

  async signOut(token: string): Promise<void> {
    await this.repo.delete(hashToken(token));
  }

  private deadline(now: number, hardExpiry: number): number {
    return Math.min(now + this.idleMs, hardExpiry);
  }
}

/** Constant-time check of the page's CSRF header against its session's token. */
export function csrfMatches(expected: string, given: string): boolean {
  const hex = (s: string) => createHash('sha256').update(s).digest('hex');
  return given !== '' && constantTimeEqualHex(hex(expected), hex(given));
}
