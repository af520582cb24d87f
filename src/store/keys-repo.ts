import type { Sql } from './sql/client.js';

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
  constructor(private readonly sql: Sql) {}

  async insert(row: Omit<ApiKeyRow, 'last_used_at' | 'revoked_at'>): Promise<void> {
    await this.sql.run(
      `INSERT INTO api_keys (id, name, project, admin, bootstrap, key_hash, key_sealed, created_at)
       VALUES (@id, @name, @project, @admin, @bootstrap, @key_hash, @key_sealed, @created_at)`,
      { ...row, admin: row.admin ? 1 : 0, bootstrap: row.bootstrap ? 1 : 0 },
    );
  }

  async byHash(hash: string): Promise<ApiKeyRow | undefined> {
    return toRow(await this.sql.one<RawRow>('SELECT * FROM api_keys WHERE key_hash = ?', [hash]));
  }

  async byId(id: string): Promise<ApiKeyRow | undefined> {
    return toRow(await this.sql.one<RawRow>('SELECT * FROM api_keys WHERE id = ?', [id]));
  }

  async list(): Promise<ApiKeyRow[]> {
    const rows = await this.sql.all<RawRow>('SELECT * FROM api_keys ORDER BY created_at, id');
    return rows.map((r) => toRow(r) as ApiKeyRow);
  }

  async countActiveAdmins(): Promise<number> {
    return Number(
      await this.sql.value('SELECT COUNT(*) FROM api_keys WHERE admin = 1 AND revoked_at IS NULL'),
    );
  }

  /** Active bootstrap keys, newest first (more than one only in a database from before rotation). */
  async activeBootstrap(): Promise<ApiKeyRow[]> {
    const rows = await this.sql.all<RawRow>(
      'SELECT * FROM api_keys WHERE bootstrap = 1 AND revoked_at IS NULL ORDER BY created_at DESC, id DESC',
    );
    return rows.map((r) => toRow(r) as ApiKeyRow);
  }

  async markBootstrap(id: string): Promise<void> {
    await this.sql.run('UPDATE api_keys SET bootstrap = 1 WHERE id = ?', [id]);
  }

  async revoke(id: string, at: number): Promise<boolean> {
    return (
      (await this.sql.run('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [
        at,
        id,
      ])) > 0
    );
  }

  async touch(id: string, at: number): Promise<void> {
    await this.sql.run('UPDATE api_keys SET last_used_at = ? WHERE id = ?', [at, id]);
  }
}
