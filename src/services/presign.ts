import type { Clock } from '../lib/clock.js';
import { isWellFormedId } from '../lib/ids.js';
import { constantTimeEqualHex } from './keys.js';
import { hmacHex } from './secrets.js';

/**
 * Presigned download URLs name a file id (never a path) with an expiry, signed by the server.
 * Changing the id, the expiry or the signature breaks the HMAC; the path is looked up from the id.
 */
export class Presigner {
  constructor(
    private readonly key: Buffer,
    private readonly ttlSeconds: number,
    private readonly clock: Clock,
  ) {}

  sign(fileId: string): { path: string; expiresAt: number } {
    const exp = Math.floor(this.clock.now() / 1000) + this.ttlSeconds;
    const sig = hmacHex(this.key, `${fileId}.${exp}`);
    return { path: `/v1/files/${fileId}?exp=${exp}&sig=${sig}`, expiresAt: exp * 1000 };
  }

  verify(fileId: string, exp: unknown, sig: unknown): boolean {
    if (typeof exp !== 'string' || typeof sig !== 'string') return false;
    if (!isWellFormedId(fileId, 'file') || !/^\d{1,12}$/.test(exp) || !/^[0-9a-f]{64}$/.test(sig))
      return false;
    if (Number(exp) * 1000 < this.clock.now()) return false;
    return constantTimeEqualHex(hmacHex(this.key, `${fileId}.${exp}`), sig);
  }
}
