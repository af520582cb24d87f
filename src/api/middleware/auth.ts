import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Middleware } from 'koa';
import { errors } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import type { KeyService, Principal } from '../../services/keys.js';
import { csrfMatches, type SessionService } from '../../services/sessions.js';
import { expectedSignature, parseSignatureHeader, type SignedRequests } from '../../services/signature.js';
import type { UsageMeter } from '../../services/usage.js';
import type { AppState } from '../context.js';

/** The console session cookie (HttpOnly, SameSite=Strict; api/routes/sessions.ts sets it). */
export const SESSION_COOKIE = 'vr_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence for cookie-authenticated writes, on top of SameSite=Strict: the request must carry the
 * session's token in X-VR-CSRF (a header a cross-site form cannot send, and a cross-site script could
 * only send after a CORS preflight this server never grants), and a browser-declared origin must be
 * this host's own.
 */
export function sameOriginWrite(ctx: Ctx, csrfToken?: string): void {
  const refuse = () => {
    throw errors.forbidden('Cross-site request refused: the console must send it from its own page.');
  };
  if (ctx.get('sec-fetch-site') === 'cross-site') refuse();
  const origin = ctx.get('origin');
  if (origin) {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host !== ctx.host) refuse();
  }
  if (csrfToken !== undefined && !csrfMatches(csrfToken, ctx.get('x-vr-csrf'))) refuse();
}

/**
 * Body bytes a signed request may send before its signature is proven when it does not declare
 * X-VR-Content-SHA256 (multipart; JSON bodies are bounded by the JSON limit).
 */
export const UNPROVEN_BODY_MAX_BYTES = 64 * 1024;
/** Bodies of signed routes that take none (GET, DELETE) are hashed, so they are capped too. */
export const BODYLESS_SIGNED_MAX_BYTES = 8 * 1024;

export interface AuthDeps {
  keys: KeyService;
  signatures: SignedRequests;
  usage: UsageMeter;
  clock: Clock;
  requireSignature: boolean;
  windowSeconds: number;
  /** Spends one request of the key's rate limit; throws RATE_LIMITED. */
  rateLimit: (keyId: string) => Promise<void>;
  /** Console sessions (the HttpOnly cookie); absent when the console is off. */
  sessions?: SessionService;
}

type Ctx = Parameters<Middleware<AppState>>[0];

/**
 * `authenticate` resolves the caller before the body is read, so an unauthenticated upload is
 * refused without receiving it. A signed request that declares X-VR-Content-SHA256 is verified there
 * too; one that does not is only *claimed* until `verified` (mounted after the body parser) has hashed
 * its small body. A request is counted, touches its key's last use and spends its rate limit only
 * once the caller is proven, so a forged signature costs the named key nothing.
 */
export function createAuth(deps: AuthDeps): {
  authenticate: Middleware<AppState>;
  verified: Middleware<AppState>;
} {
  const touched = new Map<string, number>();
  const admit = async (state: AppState, principal: Principal): Promise<void> => {
    state.principal = principal;
    deps.usage.countRequest(principal);
    // last_used_at is informational: one write per key per minute is plenty.
    const now = deps.clock.now();
    if ((touched.get(principal.keyId) ?? 0) < now - 60_000) {
      touched.set(principal.keyId, now);
      deps.keys.touch(principal.keyId).catch(() => undefined);
    }
    await deps.rateLimit(principal.keyId);
  };

  const authenticate: Middleware<AppState> = async (ctx, next) => {
    const header = ctx.get('x-vr-signature');
    if (!header)
      await admit(ctx.state, (await sessionFromCookie(ctx, deps)) ?? (await keyFromHeaders(ctx, deps)));
    else {
      const proven = await startSignedRequest(ctx, header, deps);
      if (proven) await admit(ctx.state, proven);
    }
    await next();
  };

  const verified: Middleware<AppState> = async (ctx, next) => {
    const signed = ctx.state.signedBody;
    if (signed) {
      // Routes without a body parser hash (and so drain) their small body here.
      beginBodyDigest(ctx, BODYLESS_SIGNED_MAX_BYTES);
      const digest = await (ctx.state.bodyDigest as Promise<string>);
      if (signed.kind === 'declared') {
        if (digest !== signed.sha)
          throw errors.unauthorized('The request body does not match its X-VR-Content-SHA256.');
      } else {
        await deps.signatures.accept(signed.expected(digest), signed.given, signed.expiresAt);
        if (!ctx.state.principal) await admit(ctx.state, signed.claimed);
        if (signed.adminOnly && !signed.claimed.admin) throw errors.forbidden();
      }
    }
    await next();
  };

  return { authenticate, verified };
}

/**
 * The console's session, when the request carries its cookie and no key: a key or signature, when
 * sent, always decides. State-changing requests must prove they come from the console's own page
 * (sameOriginWrite).
 */
async function sessionFromCookie(ctx: Ctx, deps: AuthDeps): Promise<Principal | undefined> {
  const token = ctx.cookies.get(SESSION_COOKIE);
  if (!token || !deps.sessions || ctx.get('x-vr-apikey') || ctx.get('authorization')) return undefined;
  const session = await deps.sessions.resolve(token);
  if (!session) throw errors.unauthorized('The console session has ended; sign in again.');
  if (!SAFE_METHODS.has(ctx.method)) sameOriginWrite(ctx, session.csrfToken);
  ctx.state.session = { token, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
  return session.principal;
}

async function keyFromHeaders(ctx: Ctx, deps: AuthDeps): Promise<Principal> {
  if (deps.requireSignature)
    throw errors.unauthorized('This server requires signed requests (X-VR-Signature).');
  const bearer = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'))?.[1];
  const key = ctx.get('x-vr-apikey') || bearer;
  if (!key) throw errors.unauthorized();
  const principal = await deps.keys.authenticate(key);
  if (!principal) throw errors.unauthorized('The API key is unknown or revoked.');
  return principal;
}

/**
 * Checks what can be checked before the body. Returns the caller when that already proves them:
 * a valid X-VR-APIKEY beside the signature, or a signature over a declared body hash.
 */
async function startSignedRequest(ctx: Ctx, header: string, deps: AuthDeps): Promise<Principal | undefined> {
  const sig = parseSignatureHeader(header);
  if (!sig)
    throw errors.unauthorized('X-VR-Signature is malformed; expected k=<key id>,t=<unix seconds>,v1=<hex>.');
  const nowSeconds = deps.clock.now() / 1000;
  if (Math.abs(nowSeconds - sig.timestamp) > deps.windowSeconds) {
    throw errors.unauthorized('The request signature is stale; check the client clock.');
  }
  const signing = await deps.keys.signingKey(sig.keyId);
  if (!signing) throw errors.unauthorized('The signing key is unknown or revoked.');
  const plainKey = ctx.get('x-vr-apikey');
  const keyProven =
    plainKey !== '' && (await deps.keys.authenticate(plainKey))?.keyId === signing.principal.keyId;
  if (plainKey && !keyProven) {
    throw errors.unauthorized('X-VR-APIKEY and the signature name different keys.');
  }
  const pathWithQuery = ctx.originalUrl;
  const expected = (bodySha: string) =>
    expectedSignature(signing.key, sig.timestamp, ctx.method, pathWithQuery, bodySha);
  const expiresAt = (sig.timestamp + deps.windowSeconds) * 1000;

  const declared = ctx.get('x-vr-content-sha256');
  if (declared) {
    if (!/^[0-9a-f]{64}$/i.test(declared)) {
      throw errors.unauthorized('X-VR-Content-SHA256 must be the hex SHA-256 of the request body.');
    }
    const sha = declared.toLowerCase();
    await deps.signatures.accept(expected(sha), sig.v1, expiresAt);
    ctx.state.signedBody = { kind: 'declared', sha };
    return signing.principal;
  }
  ctx.state.signedBody = {
    kind: 'pending',
    claimed: signing.principal,
    expected,
    given: sig.v1,
    expiresAt,
    adminOnly: false,
  };
  return keyProven ? signing.principal : undefined;
}

/**
 * Starts hashing a signed request's body. Body parsers call this in the same tick in which they start
 * reading, so hash and parser see the same chunks; starting earlier would let data flow past a parser
 * that is not listening yet. Parsers bound the body themselves; `capBytes` bounds it for routes that
 * read it only to hash it.
 */
export function beginBodyDigest(
  ctx: { req: IncomingMessage; state: AppState; get(field: string): string },
  capBytes = Infinity,
): void {
  if (!ctx.state.signedBody || ctx.state.bodyDigest) return;
  if (Number(ctx.get('content-length') || 0) > capBytes) throw errors.payloadTooLarge(capBytes);
  const req = ctx.req;
  const hash = createHash('sha256');
  let seen = 0;
  ctx.state.bodyDigest = new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen <= capBytes) return void hash.update(chunk);
      // Stop reading; the answer closes the connection instead of draining the rest.
      req.off('data', onData);
      req.pause();
      reject(errors.payloadTooLarge(capBytes));
    };
    req.on('data', onData);
    req.on('end', () => resolve(hash.digest('hex')));
    req.on('error', reject);
  });
  // Awaited by `verified`; a parser that fails first must not leave the rejection unhandled.
  ctx.state.bodyDigest.catch(() => undefined);
}

/**
 * Admin routes. A caller who is only claimed (a signed request still to be verified) is checked by
 * `verified` once proven, so a forged signature learns nothing about the key it names.
 */
export function requireAdmin(): Middleware<AppState> {
  return async (ctx, next) => {
    const { principal, signedBody } = ctx.state;
    if (principal) {
      if (!principal.admin) throw errors.forbidden();
    } else if (signedBody?.kind === 'pending') signedBody.adminOnly = true;
    else throw errors.forbidden();
    await next();
  };
}
