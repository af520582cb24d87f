import type { Sql } from './sql/client.js';

/** Request budgets per key shared by every node (services/rate-limit.ts). */
export class RateBucketsRepo {
  constructor(private readonly sql: Sql) {}

  /**
   * Refills the key's bucket for the time passed (up to `capacity`) and spends one token if there is
   * one, in one statement. `tokens`: what the bucket holds now (below 1 when nothing was spent).
   */
  async take(
    keyId: string,
    now: number,
    capacity: number,
    ratePerMs: number,
  ): Promise<{ taken: boolean; tokens: number }> {
    const least = this.sql.dialect.name === 'postgres' ? 'LEAST' : 'MIN';
    // Typed casts: PostgreSQL would otherwise guess integer for the capacity and refuse the rate.
    const cap = 'CAST(@capacity AS DOUBLE PRECISION)';
    const at = 'CAST(@now AS BIGINT)';
    const refilled = `${least}(${cap}, rate_buckets.tokens + (${at} - rate_buckets.updated_at) * CAST(@rate AS DOUBLE PRECISION))`;
    const spent = await this.sql.one<{ tokens: number }>(
      `INSERT INTO rate_buckets (key_id, tokens, updated_at) VALUES (@keyId, ${cap} - 1, ${at})
       ON CONFLICT (key_id) DO UPDATE SET tokens = ${refilled} - 1, updated_at = ${at}
       WHERE ${refilled} >= 1
       RETURNING tokens`,
      { keyId, capacity, now, rate: ratePerMs },
    );
    if (spent) return { taken: true, tokens: Number(spent.tokens) };
    const row = await this.sql.one<{ tokens: number; updated_at: number }>(
      'SELECT tokens, updated_at FROM rate_buckets WHERE key_id = ?',
      [keyId],
    );
    const tokens = row
      ? Math.min(capacity, Number(row.tokens) + (now - Number(row.updated_at)) * ratePerMs)
      : 0;
    return { taken: false, tokens };
  }
}
