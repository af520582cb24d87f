import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE } from '../lib/private-files.js';

/**
 * One master secret (a 0600 file in the data dir) and the independent subkeys derived from it, so a
 * leak of one use (say a presigned URL's HMAC) never helps with another (the sealed API keys).
 */
export interface Secrets {
  /** HMAC key for hashing API keys at rest. */
  keyPepper: Buffer;
  /** AES-256-GCM key sealing API keys so signatures can be checked. */
  sealKey: Buffer;
  /** HMAC key for presigned download URLs. */
  presignKey: Buffer;
  /** Root of the per-project webhook signing secrets (services/webhooks.ts). */
  webhookKey: Buffer;
}

export const MASTER_SECRET_FILE = 'master.key';

export function loadOrCreateSecrets(dataDir: string): Secrets {
  const file = join(dataDir, MASTER_SECRET_FILE);
  if (!existsSync(file)) {
    // 'wx' fails if another process created it first; then read theirs.
    try {
      writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: PRIVATE_FILE, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  chmodSync(file, PRIVATE_FILE);
  const master = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  if (master.length !== 32) throw new Error(`${file} is not a 32-byte hex secret`);
  const derive = (label: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), label, 32));
  return {
    keyPepper: derive('voicereel key hash'),
    sealKey: derive('voicereel key seal'),
    presignKey: derive('voicereel presign'),
    webhookKey: derive('voicereel webhook'),
  };
}

export function hmacHex(key: Buffer | string, data: string | Buffer): string {
  return createHmac('sha256', key).update(data).digest('hex');
}

export function seal(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
}

export function unseal(key: Buffer, sealed: string): string {
  const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
  if (!iv || !tag || !body) throw new Error('malformed sealed value');
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
}
