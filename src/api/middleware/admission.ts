import type { Middleware } from 'koa';
import type { JobAdmission } from '../../services/admission.js';
import type { AppState } from '../context.js';

/**
 * Refuses a caller already at its job limits before its body is read (an `Expect: 100-continue`
 * upload is then never sent). Signed requests are left to the service's own check after their
 * signature is verified: an unverified claim to a key id must learn nothing about that key.
 */
export function admitBeforeBody(admission: Pick<JobAdmission, 'ensureRoom'>): Middleware<AppState> {
  return async (ctx, next) => {
    // A principal is set only once proven (key header, or a signature over a declared body hash).
    if (ctx.state.principal) await admission.ensureRoom(ctx.state.principal);
    await next();
  };
}
