import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Middleware } from 'koa';
import { errors } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import type { KeyService, Principal } from '../../services/keys.js';
import { expectedSignature, parseSignatureHeader, signatureMatches } from '../../services/signature.js';
import type { UsageMeter } from '../../services/usage.js';
import type { SignaturesRepo } from '../../store/signatures-repo.js';
import type { AppState } from '../context.js';

export interface AuthDeps {
  keys: KeyService;
  signatures: SignaturesRepo;
  usage: UsageMeter;
  clock: Clock;
  requireSignature: boolean;
  windowSeconds: number;
}

/**
 * Resolves the caller before the body is read, so an unauthenticated upload is refused without
 * receiving it. A signed request gets its body hashed while the parser reads it; `verifySignature`
 * then compares once the body is complete.
 */
export function authenticate(deps: AuthDeps): Middleware<AppState> {
  const touched = new Map<string, number>();
  return async (ctx, next) => {
    const header = ctx.get('x-vr-signature');
    const principal = header ? startSignedRequest(ctx, header, deps) : keyFromHeaders(ctx, deps);
    ctx.state.principal = principal;
    deps.usage.countRequest(principal);
    // last_used_at is informational: one write per key per minute is plenty.
    const now = deps.clock.now();
    if ((touched.get(principal.keyId) ?? 0) < now - 60_000) {
      touched.set(principal.keyId, now);
      deps.keys.touch(principal.keyId);
    }
    await next();
  };
}

function keyFromHeaders(ctx: Parameters<Middleware<AppState>>[0], deps: AuthDeps): Principal {
  if (deps.requireSignature)
    throw errors.unauthorized('This server requires signed requests (X-VR-Signature).');
  const bearer = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'))?.[1];
  const key = ctx.get('x-vr-apikey') || bearer;
  if (!key) throw errors.unauthorized();
  const principal = deps.keys.authenticate(key);
  if (!principal) throw errors.unauthorized('The API key is unknown or revoked.');
  return principal;
}

function startSignedRequest(
  ctx: Parameters<Middleware<AppState>>[0],
  header: string,
  deps: AuthDeps,
): Principal {
  const sig = parseSignatureHeader(header);
  if (!sig)
    throw errors.unauthorized('X-VR-Signature is malformed; expected k=<key id>,t=<unix seconds>,v1=<hex>.');
  const nowSeconds = deps.clock.now() / 1000;
  if (Math.abs(nowSeconds - sig.timestamp) > deps.windowSeconds) {
    throw errors.unauthorized('The request signature is stale; check the client clock.');
  }
  const signing = deps.keys.signingKey(sig.keyId);
  if (!signing) throw errors.unauthorized('The signing key is unknown or revoked.');
  const plainKey = ctx.get('x-vr-apikey');
  if (plainKey && deps.keys.authenticate(plainKey)?.keyId !== signing.principal.keyId) {
    throw errors.unauthorized('X-VR-APIKEY and the signature name different keys.');
  }
  const pathWithQuery = ctx.originalUrl;
  ctx.state.pendingSignature = {
    expected: (bodySha) => expectedSignature(signing.key, sig.timestamp, ctx.method, pathWithQuery, bodySha),
    given: sig.v1,
    expiresAt: (sig.timestamp + deps.windowSeconds) * 1000,
  };
  return signing.principal;
}

/**
 * Starts hashing a signed request's body. Body parsers call this in the same tick in which they start
 * reading, so hash and parser see the same chunks; starting earlier would let data flow past a parser
 * that is not listening yet.
 */
export function beginBodyDigest(ctx: { req: IncomingMessage; state: AppState }): void {
  if (!ctx.state.pendingSignature || ctx.state.bodyDigest) return;
  const hash = createHash('sha256');
  ctx.state.bodyDigest = new Promise((resolve, reject) => {
    ctx.req.on('data', (chunk: Buffer) => hash.update(chunk));
    ctx.req.on('end', () => resolve(hash.digest('hex')));
    ctx.req.on('error', reject);
  });
}

/** Completes a signed request's check once the body is read; a no-op for key-header requests. */
export function verifySignature(deps: Pick<AuthDeps, 'signatures'>): Middleware<AppState> {
  return async (ctx, next) => {
    const pending = ctx.state.pendingSignature;
    if (pending) {
      // Routes without a body parser hash (and so drain) the body here.
      beginBodyDigest(ctx);
      const digest = await (ctx.state.bodyDigest as Promise<string>);
      if (!signatureMatches(pending.expected(digest), pending.given)) {
        throw errors.unauthorized('The request signature does not match.');
      }
      if (!deps.signatures.remember(pending.given, pending.expiresAt)) {
        throw errors.unauthorized('This signed request was already used (replay).');
      }
    }
    await next();
  };
}

export function requireAdmin(): Middleware<AppState> {
  return async (ctx, next) => {
    if (!ctx.state.principal?.admin) throw errors.forbidden();
    await next();
  };
}
