import Router from '@koa/router';
import type { Context } from 'koa';
import { errors } from '../../errors.js';
import type { Principal } from '../../services/keys.js';
import type { SessionService } from '../../services/sessions.js';
import type { AppState } from '../context.js';
import { consoleHeaders } from '../console.js';
import { sameOriginWrite, SESSION_COOKIE } from '../middleware/auth.js';
import type { RouteDeps } from './deps.js';
import { z } from 'zod';
import { routeDoc } from '../openapi/route-doc.js';

const Session = z.object({
  key_id: z.string(),
  project: z.string(),
  admin: z.boolean(),
  csrf_token: z
    .string()
    .nullable()
    .meta({ description: 'send as X-VR-CSRF on every write made with the cookie' }),
  expires_at: z.string().nullable(),
});

export const sessionDocs = [
  routeDoc({
    method: 'post',
    path: '/v1/sessions',
    summary: 'Console sign-in: an API key for an HttpOnly session cookie',
    tag: 'console',
    auth: 'none',
    description:
      'Sets `vr_session` (HttpOnly, SameSite=Strict, Secure under TLS). A foreign Origin is refused.',
    body: { type: 'application/json', schema: z.object({ key: z.string() }) },
    errors: ['INVALID_INPUT', 'UNAUTHORIZED', 'FORBIDDEN', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA'],
    responses: { 201: { description: 'Signed in.', schema: Session } },
  }),
  routeDoc({
    method: 'get',
    path: '/v1/sessions/current',
    summary: 'Who is signed in',
    tag: 'console',
    auth: 'key',
    errors: [],
    responses: { 200: { description: 'The caller.', schema: Session } },
  }),
  routeDoc({
    method: 'delete',
    path: '/v1/sessions/current',
    summary: 'Sign out (the session ends on the server)',
    tag: 'console',
    auth: 'key',
    errors: ['FORBIDDEN'],
    responses: { 204: { description: 'Signed out.' } },
  }),
];

const view = (principal: Principal, csrfToken: string | null, expiresAt: number | null) => ({
  key_id: principal.keyId,
  project: principal.project,
  admin: principal.admin,
  csrf_token: csrfToken,
  expires_at: expiresAt === null ? null : new Date(expiresAt).toISOString(),
});

function setCookie(ctx: Context, value: string | null, maxAgeMs?: number): void {
  ctx.cookies.set(SESSION_COOKIE, value, {
    httpOnly: true,
    sameSite: 'strict',
    // Over TLS only ever sent back over TLS; plain HTTP (loopback, a TLS-terminating proxy) cannot.
    secure: ctx.secure,
    path: '/',
    overwrite: true,
    ...(maxAgeMs === undefined ? {} : { maxAge: maxAgeMs }),
  });
}

/**
 * Sign-in: `POST /v1/sessions { key }` (no key header: the key is the credential being exchanged),
 * mounted outside the authenticated router. Answers the session's CSRF token, never the key.
 */
export function sessionSignInRoutes(deps: RouteDeps, sessions: SessionService): Router<AppState> {
  const router = new Router<AppState>();
  router.post('/sessions', ...deps.bodies.json, async (ctx) => {
    // Login CSRF: a cross-site page must not sign the browser into someone else's session.
    sameOriginWrite(ctx);
    const key = (ctx.request.body as Record<string, unknown> | undefined)?.key;
    if (typeof key !== 'string' || key.length === 0 || key.length > 512) {
      throw errors.invalidInput('key must be an API key.', { field: 'key' });
    }
    const made = await sessions.signIn(key);
    if (!made) throw errors.unauthorized('The API key is unknown or revoked.');
    const s = made.session;
    setCookie(ctx, made.token, deps.config.console.session_max_hours * 3_600_000);
    ctx.status = 201;
    ctx.body = view(s.principal, s.csrfToken, s.expiresAt);
  });
  return router;
}

/** The signed-in caller (`GET /v1/sessions/current`) and sign-out (`DELETE`), behind auth. */
export function sessionRoutes(sessions: SessionService): Router<AppState> {
  const router = new Router<AppState>();
  router.use(consoleHeaders());
  router.get('/sessions/current', (ctx) => {
    const { principal, session } = ctx.state;
    if (!principal) throw errors.unauthorized();
    ctx.set('Cache-Control', 'no-store');
    ctx.body = view(principal, session?.csrfToken ?? null, session?.expiresAt ?? null);
  });
  router.delete('/sessions/current', async (ctx) => {
    const { session } = ctx.state;
    if (!session) throw errors.notFound('Session');
    await sessions.signOut(session.token);
    setCookie(ctx, null);
    ctx.status = 204;
  });
  return router;
}
