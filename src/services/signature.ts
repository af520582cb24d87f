import { createHash } from 'node:crypto';
import { errors } from '../errors.js';
import type { SignaturesRepo } from '../store/signatures-repo.js';
import { hmacHex } from './secrets.js';
import { constantTimeEqualHex } from './keys.js';

/** `X-VR-Signature: k=<key id>,t=<unix seconds>,v1=<hex>` as the SPEC defines it. */
export interface SignatureHeader {
  keyId: string;
  timestamp: number;
  v1: string;
}

export function parseSignatureHeader(value: string): SignatureHeader | undefined {
  const parts = new Map<string, string>();
  for (const piece of value.split(',')) {
    const eq = piece.indexOf('=');
    if (eq <= 0) return undefined;
    parts.set(piece.slice(0, eq).trim(), piece.slice(eq + 1).trim());
  }
  const keyId = parts.get('k');
  const t = parts.get('t');
  const v1 = parts.get('v1');
  if (!keyId || !t || !v1 || !/^\d{1,12}$/.test(t) || !/^[0-9a-f]{64}$/i.test(v1)) return undefined;
  return { keyId, timestamp: Number(t), v1: v1.toLowerCase() };
}

export function bodyDigest(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('hex');
}

export function expectedSignature(
  key: string,
  t: number,
  method: string,
  pathWithQuery: string,
  bodySha: string,
): string {
  return hmacHex(key, `${t}.${method.toUpperCase()}.${pathWithQuery}.${bodySha}`);
}

export function signatureMatches(expected: string, given: string): boolean {
  return constantTimeEqualHex(expected, given);
}

/**
 * Accepting a signed request: the signature must match, and is accepted once in its window (the
 * seen signatures are kept in the store until they expire, so a replay is refused even after a
 * restart). Returns a promise so the store behind it may answer later.
 */
export class SignedRequests {
  constructor(private readonly seen: SignaturesRepo) {}

  /** Throws UNAUTHORIZED for a signature that does not match or was already used. */
  async accept(expected: string, given: string, expiresAt: number): Promise<void> {
    // Constant-time first: a replay is only recorded for a signature that is genuine.
    if (!signatureMatches(expected, given))
      throw errors.unauthorized('The request signature does not match.');
    if (!(await this.seen.remember(given, expiresAt))) {
      throw errors.unauthorized('This signed request was already used (replay).');
    }
  }
}
