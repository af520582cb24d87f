import type { Logger } from 'pino';
import type { Principal } from '../services/keys.js';

/**
 * A signed request whose body is still to be hashed. `pending`: no X-VR-Content-SHA256, so the
 * signature itself is checked once the (small, bounded) body is hashed, and until then the caller is
 * only claimed. `declared`: the signature was already checked against X-VR-Content-SHA256; the body
 * must hash to that value.
 */
export type SignedBody =
  | {
      kind: 'pending';
      claimed: Principal;
      expected: (bodySha: string) => string;
      given: string;
      expiresAt: number;
      /** Set by requireAdmin, which can only decide once the caller is proven. */
      adminOnly: boolean;
    }
  | { kind: 'declared'; sha: string };

/** What middleware leaves on ctx.state for the routes after it. */
export interface AppState {
  /** Server-made; names anything on disk and every log line. */
  requestId: string;
  log: Logger;
  /** The proven caller: set only once the key or the signature has been verified. */
  principal?: Principal;
  signedBody?: SignedBody;
  /** Set when the caller is a console session (the cookie), not a key or signature. */
  session?: { token: string; csrfToken: string; expiresAt: number };
  bodyDigest?: Promise<string>;
  /**
   * How much of a body still arriving after its answer is read (and discarded) before the connection
   * is closed; more for a proven caller whose upload was refused for its size.
   */
  lingerBytes?: number;
}

export function principalOf(state: AppState): Principal {
  if (!state.principal) throw new Error('route mounted without auth');
  return state.principal;
}
