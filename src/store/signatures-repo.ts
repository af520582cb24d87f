import type { Db } from './db.js';

export class SignaturesRepo {
  constructor(private readonly db: Db) {}

  /** Records a signature; false when it was already seen (a replay). */
  remember(signature: string, expiresAt: number): boolean {
    return (
      this.db
        .prepare('INSERT OR IGNORE INTO seen_signatures (signature, expires_at) VALUES (?, ?)')
        .run(signature, expiresAt).changes > 0
    );
  }

  purge(at: number): number {
    return this.db.prepare('DELETE FROM seen_signatures WHERE expires_at < ?').run(at).changes;
  }
}
