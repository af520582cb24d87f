import type { Sql } from './sql/client.js';

/** Secrets shared by the nodes of a cluster, by name (see migrations/2026-12-10-cluster-secrets.ts). */
export class ClusterSecretsRepo {
  constructor(private readonly sql: Sql) {}

  /**
   * The secret called `name`, stored as `value` by the first node to ask: nodes starting together
   * race on the insert, and every one of them reads the value that won.
   */
  async getOrCreate(name: string, value: string, now: number): Promise<string> {
    const insert = this.sql.dialect.insertIgnore('cluster_secrets', 'name, value, created_at', '?, ?, ?');
    await this.sql.run(insert, [name, value, now]);
    const stored = await this.sql.value<string>('SELECT value FROM cluster_secrets WHERE name = ?', [name]);
    if (stored === undefined) throw new Error(`cluster secret ${name} was not stored`);
    return stored;
  }
}
