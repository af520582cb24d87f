import type { Sql } from './sql/client.js';

export class SignaturesRepo {
  constructor(private readonly sql: Sql) {}

  /** Records a signature; false when it was already seen (a replay). */
  async remember(signature: string, expiresAt: number): Promise<boolean> {
    const insert = this.sql.dialect.insertIgnore('seen_signatures', 'signature, expires_at', '?, ?');
    return (await this.sql.run(insert, [signature, expiresAt])) > 0;
  }

  purge(at: number): Promise<number> {
    return this.sql.run('DELETE FROM seen_signatures WHERE expires_at < ?', [at]);
  }
}
