import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { ApiKeyRow, KeysRepo } from '../store/keys-repo.js';
import { hmacHex, type Secrets, seal, unseal } from './secrets.js';

export interface Principal {
  keyId: string;
  project: string;
  admin: boolean;
}

export interface KeyView {
  id: string;
  name: string;
  project: string;
  admin: boolean;
  created_at: string;
  last_used_at: string | null;
  revoked: boolean;
}

export const PROJECT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const DEFAULT_PROJECT = 'default';

export class KeyService {
  constructor(
    private readonly repo: KeysRepo,
    private readonly secrets: Secrets,
    private readonly clock: Clock,
  ) {}

  create(input: { name: string; project: string; admin: boolean }): { id: string; key: string } {
    const key = `vr_${randomBytes(32).toString('base64url')}`;
    const id = this.insert(key, input);
    return { id, key };
  }

  /** Makes sure a given key (the bootstrap key from VR_API_KEY) exists as an admin of `default`. */
  ensure(key: string, name: string): { id: string; created: boolean } {
    const existing = this.repo.byHash(this.hash(key));
    if (existing) return { id: existing.id, created: false };
    return { id: this.insert(key, { name, project: DEFAULT_PROJECT, admin: true }), created: true };
  }

  hasActiveAdmin(): boolean {
    return this.repo.countActiveAdmins() > 0;
  }

  authenticate(key: string): Principal | undefined {
    const row = this.repo.byHash(this.hash(key));
    return row && row.revoked_at === null ? this.principal(row) : undefined;
  }

  /** The key string behind an id, for checking a request signature; undefined when unknown or revoked. */
  signingKey(id: string): { principal: Principal; key: string } | undefined {
    const row = this.repo.byId(id);
    if (!row || row.revoked_at !== null) return undefined;
    return { principal: this.principal(row), key: unseal(this.secrets.sealKey, row.key_sealed) };
  }

  touch(keyId: string): void {
    this.repo.touch(keyId, this.clock.now());
  }

  list(): KeyView[] {
    return this.repo.list().map(toView);
  }

  get(id: string): KeyView | undefined {
    const row = this.repo.byId(id);
    return row ? toView(row) : undefined;
  }

  revoke(id: string): boolean {
    return this.repo.revoke(id, this.clock.now());
  }

  private insert(key: string, input: { name: string; project: string; admin: boolean }): string {
    const id = newId('key');
    this.repo.insert({
      id,
      name: input.name,
      project: input.project,
      admin: input.admin,
      key_hash: this.hash(key),
      key_sealed: seal(this.secrets.sealKey, key),
      created_at: this.clock.now(),
    });
    return id;
  }

  private hash(key: string): string {
    return hmacHex(this.secrets.keyPepper, key);
  }

  private principal(row: ApiKeyRow): Principal {
    return { keyId: row.id, project: row.project, admin: row.admin };
  }
}

function toView(row: ApiKeyRow): KeyView {
  return {
    id: row.id,
    name: row.name,
    project: row.project,
    admin: row.admin,
    created_at: new Date(row.created_at).toISOString(),
    last_used_at: row.last_used_at === null ? null : new Date(row.last_used_at).toISOString(),
    revoked: row.revoked_at !== null,
  };
}

export function constantTimeEqualHex(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  // Compare equal-length buffers only; the length itself is public (64 hex chars).
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
