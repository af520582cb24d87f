import type { Logger } from 'pino';
import type { Principal } from '../services/keys.js';

/** What middleware leaves on ctx.state for the routes after it. */
export interface AppState {
  requestId: string;
  log: Logger;
  principal?: Principal;
  /** Set by auth for signed requests; checked once the body has been read. */
  pendingSignature?: { expected: (bodySha: string) => string; given: string; expiresAt: number };
  bodyDigest?: Promise<string>;
}

export function principalOf(state: AppState): Principal {
  if (!state.principal) throw new Error('route mounted without auth');
  return state.principal;
}
