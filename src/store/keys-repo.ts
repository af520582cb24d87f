import type { Db } from './db.js';

export interface ApiKeyRow {
  id: string;
  name: string;
  project: string;
  admin: boolean;
  /** The bootstrap admin key (configured or printed at first start); one is active at a time. */
  bootstrap: boolean;
  key_hash: string;
  key_sealed: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

type RawRow = Omit<ApiKeyRow, 'admin' | 'bootstrap'> & { admin: number; bootstrap: number };
const toRow = (r: RawRow | undefined): ApiKeyRow | undefined =>
  r ? { ...r, admin: r.admin === 1, bootstrap: r.bootstrap === 1 } : undefined;

export class KeysRepo {
  constructor(private readonly db: Db) {}

  insert(row: Omit<ApiKeyRow, 'last_used_at' | 'revoked_at'>): void {
    this.db
      .prepare(
        `INSERT INTO api_keys (id, name, project, admin, bootstrap, key_hash, key_sealed, created_at)
         VALUES (@id, @name, @project, @admin, @bootstrap, @key_hash, @key_sealed, @created_at)`,
      )
      .run({ ...row, admin: row.admin ? 1 : 0, bootstrap: row.bootstrap ? 1 : 0 });
  }

  byHash(hash: string): ApiKeyRow | undefined {
    return toRow(
      this.db.prepare('SELECT * FROM api_keys WHERE key_hash = ?').get(hash) as RawRow | undefined,
    );
  }

  byId(id: string): ApiKeyRow | undefined {
    return toRow(this.db.prepare('SELECT * FROM api_keys WHERE id = ?').get(id) as RawRow | undefined);
  }

  list(): ApiKeyRow[] {
    return (this.db.prepare('SELECT * FROM api_keys ORDER BY created_at, id').all() as RawRow[]).map(
      (r) => toRow(r) as ApiKeyRow,
    );
  }

  countActiveAdmins(): number {
    return this.db
      .prepare('SELECT COUNT(*) FROM api_keys WHERE admin = 1 AND revoked_at IS NULL')
      .pluck()
      .get() as number;
  }

  /** Active bootstrap keys, newest first (more than one only in a database from before rotation). */
  activeBootstrap(): ApiKeyRow[] {
    return (
      this.db
        .prepare(
          'SELECT * FROM api_keys WHERE bootstrap = 1 AND revoked_at IS NULL ORDER BY created_at DESC, id DESC',
        )
        .all() as RawRow[]
    ).map((r) => toRow(r) as ApiKeyRow);
  }

  markBootstrap(id: string): void {
    this.db.prepare('UPDATE api_keys SET bootstrap = 1 WHERE id = ?').run(id);
  }

  revoke(id: string, at: number): boolean {
    return (
      this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id)
        .changes > 0
    );
  }

  touch(id: string, at: number): void {
    this.db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(at, id);
  }
}
