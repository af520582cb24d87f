import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE } from '../lib/private-files.js';
import type { ClusterSecretsRepo } from '../store/cluster-secrets-repo.js';

/**
 * One master secret (a 0600 file in the data dir; on PostgreSQL, shared by the nodes in the database)
 * and the independent subkeys derived from it, so a leak of one use (say a presigned URL's HMAC)
 * never helps with another (the sealed API keys).
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

/** The name of the master secret among the cluster's shared secrets (PostgreSQL). */
export const CLUSTER_MASTER_SECRET = 'master';

/** A single node's secrets: the data dir's file, made at first start. */
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
  return deriveSecrets(readMaster(file) as Buffer, file);
}

/**
 * Nodes sharing one PostgreSQL database must hash, seal and sign alike, whatever their data dirs
 * hold: the master secret lives in the database, stored once by the first node (an appliance moving
 * to PostgreSQL brings the secret of its data dir, so its keys keep working). A node whose data dir
 * holds a different secret refuses to start rather than answer with keys no other node knows.
 */
export async function loadOrCreateClusterSecrets(
  shared: Pick<ClusterSecretsRepo, 'getOrCreate'>,
  dataDir: string,
  now: number,
): Promise<Secrets> {
  const file = join(dataDir, MASTER_SECRET_FILE);
  const local = readMaster(file);
  const offered = (local ?? randomBytes(32)).toString('hex');
  const stored = Buffer.from(await shared.getOrCreate(CLUSTER_MASTER_SECRET, offered, now), 'hex');
  if (local && !local.equals(stored)) {
    throw new Error(
      `${file} holds a different master secret from the cluster's (in the database): keys and links made with it would not work on the other nodes; move the file aside to use the cluster's`,
    );
  }
  return deriveSecrets(stored, 'the cluster_secrets table');
}

/** The data dir's master secret, or undefined when there is no file. */
function readMaster(file: string): Buffer | undefined {
  if (!existsSync(file)) return undefined;
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
}

function deriveSecrets(master: Buffer, from: string): Secrets {
  if (master.length !== 32) throw new Error(`${from} is not a 32-byte hex secret`);
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

/** The secrets of the database the caller opened: the cluster's on PostgreSQL, the data dir's on SQLite. */
export function secretsFor(
  db: { dialect: 'sqlite' | 'postgres'; store: { clusterSecrets: Pick<ClusterSecretsRepo, 'getOrCreate'> } },
  dataDir: string,
  now: number,
): Promise<Secrets> {
  return db.dialect === 'postgres'
    ? loadOrCreateClusterSecrets(db.store.clusterSecrets, dataDir, now)
    : Promise.resolve(loadOrCreateSecrets(dataDir));
}
