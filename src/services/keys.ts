import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { ApiKeyRow, KeysRepo } from '../store/keys-repo.js';
import { hmacHex, type Secrets, seal, unseal } from './secrets.js';
import { isStorageFull } from '../errors.js';

export interface Principal {
  keyId: string;
  project: string;
  admin: boolean;
}

/** The project a caller's reads are limited to: none for an admin key (it sees every project). */
export function projectScope(who: Principal): string | undefined {
  return who.admin ? undefined : who.project;
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
const BOOTSTRAP = { name: 'bootstrap', project: DEFAULT_PROJECT, admin: true };

export interface BootstrapOutcome {
  /** The bootstrap key in force; undefined when none is configured and another admin key exists. */
  id?: string;
  /** The configured key was not known yet and was added. */
  registered: boolean;
  /** Ids of previous bootstrap keys revoked because another took their place. */
  revoked: string[];
  /** A key generated at first start: returned this once, never stored in clear. */
  generatedKey?: string;
}

/** The configured bootstrap key cannot be used; the message completes "the configured key …". */
export class BootstrapKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BootstrapKeyError';
  }
}

/** 256 random bits; passes the strength rule for chosen keys by construction. */
function generateKey(): string {
  return `vr_${randomBytes(32).toString('base64url')}`;
}

export class KeyService {
  constructor(
    private readonly repo: KeysRepo,
    private readonly secrets: Secrets,
    private readonly clock: Clock,
  ) {}

  async create(input: {
    name: string;
    project: string;
    admin: boolean;
  }): Promise<{ id: string; key: string }> {
    const key = generateKey();
    const id = await this.insert(key, { ...input, bootstrap: false });
    return { id, key };
  }

  /**
   * Makes the bootstrap admin key of `default` what the configuration says, at start-up.
   * Exactly one bootstrap key stays active: a configured key takes the place of the previous one
   * (which is revoked), no configured key keeps the current one as it is, and a first start with
   * neither (and no other admin) generates one, returned here to be shown once.
   */
  async settleBootstrap(configured: string): Promise<BootstrapOutcome> {
    if (configured) {
      const { id, registered } = await this.adoptConfigured(configured);
      return { id, registered, revoked: await this.revokeBootstrapsExcept(id) };
    }
    const [newest] = await this.repo.activeBootstrap();
    if (newest)
      return { id: newest.id, registered: false, revoked: await this.revokeBootstrapsExcept(newest.id) };
    if ((await this.repo.countActiveAdmins()) > 0) return { registered: false, revoked: [] };
    const generatedKey = generateKey();
    const id = await this.insert(generatedKey, { ...BOOTSTRAP, bootstrap: true });
    return { id, registered: false, revoked: [], generatedKey };
  }

  private async adoptConfigured(key: string): Promise<{ id: string; registered: boolean }> {
    const row = await this.repo.byHash(this.hash(key));
    if (!row) return { id: await this.insert(key, { ...BOOTSTRAP, bootstrap: true }), registered: true };
    // A revoked key never comes back, and a project key must not silently become the admin key.
    if (row.revoked_at !== null) {
      throw new BootstrapKeyError(`is the key ${row.id}, which was revoked; configure a new key`);
    }
    if (!row.admin || row.project !== DEFAULT_PROJECT) {
      throw new BootstrapKeyError(
        `is the key ${row.id} of project "${row.project}", not an admin key of "${DEFAULT_PROJECT}"; configure a new key`,
      );
    }
    if (!row.bootstrap) await this.repo.markBootstrap(row.id);
    return { id: row.id, registered: false };
  }

  private async revokeBootstrapsExcept(id: string): Promise<string[]> {
    const now = this.clock.now();
    const revoked: string[] = [];
    for (const row of await this.repo.activeBootstrap()) {
      if (row.id !== id && (await this.repo.revoke(row.id, now))) revoked.push(row.id);
    }
    return revoked;
  }

  async authenticate(key: string): Promise<Principal | undefined> {
    const row = await this.repo.byHash(this.hash(key));
    return row && row.revoked_at === null ? this.principal(row) : undefined;
  }

  /** The caller an active key id stands for (console sessions keep the id, never the key). */
  async principalById(id: string): Promise<Principal | undefined> {
    const row = await this.repo.byId(id);
    return row && row.revoked_at === null ? this.principal(row) : undefined;
  }

  /** The key string behind an id, for checking a request signature; undefined when unknown or revoked. */
  async signingKey(id: string): Promise<{ principal: Principal; key: string } | undefined> {
    const row = await this.repo.byId(id);
    if (!row || row.revoked_at !== null) return undefined;
    return { principal: this.principal(row), key: unseal(this.secrets.sealKey, row.key_sealed) };
  }

  async touch(keyId: string): Promise<void> {
    try {
      await this.repo.touch(keyId, this.clock.now());
    } catch (err) {
      // Informational only: a full disk must not turn reads into errors.
      if (!isStorageFull(err)) throw err;
    }
  }

  async list(): Promise<KeyView[]> {
    return (await this.repo.list()).map(toView);
  }

  async get(id: string): Promise<KeyView | undefined> {
    const row = await this.repo.byId(id);
    return row ? toView(row) : undefined;
  }

  revoke(id: string): Promise<boolean> {
    return this.repo.revoke(id, this.clock.now());
  }

  private async insert(
    key: string,
    input: { name: string; project: string; admin: boolean; bootstrap: boolean },
  ): Promise<string> {
    const id = newId('key');
    await this.repo.insert({
      id,
      name: input.name,
      project: input.project,
      admin: input.admin,
      bootstrap: input.bootstrap,
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
