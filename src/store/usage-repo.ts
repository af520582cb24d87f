import type { Sql } from './sql/client.js';

export interface UsageRow {
  key_id: string;
  project: string;
  month: string;
  requests: number;
  synthesized_seconds: number;
  characters: number;
  registrations: number;
}

export type UsageDelta = Partial<
  Pick<UsageRow, 'requests' | 'synthesized_seconds' | 'characters' | 'registrations'>
>;

export class UsageRepo {
  constructor(private readonly sql: Sql) {}

  async add(keyId: string, project: string, month: string, d: UsageDelta): Promise<void> {
    await this.sql.run(
      `INSERT INTO usage (key_id, project, month, requests, synthesized_seconds, characters, registrations)
       VALUES (@keyId, @project, @month, @requests, @seconds, @characters, @registrations)
       ON CONFLICT (key_id, month) DO UPDATE SET
         requests = usage.requests + excluded.requests,
         synthesized_seconds = usage.synthesized_seconds + excluded.synthesized_seconds,
         characters = usage.characters + excluded.characters,
         registrations = usage.registrations + excluded.registrations`,
      {
        keyId,
        project,
        month,
        requests: d.requests ?? 0,
        seconds: d.synthesized_seconds ?? 0,
        characters: d.characters ?? 0,
        registrations: d.registrations ?? 0,
      },
    );
  }

  forMonth(month: string, project?: string): Promise<UsageRow[]> {
    return project === undefined
      ? this.sql.all<UsageRow>('SELECT * FROM usage WHERE month = ? ORDER BY project, key_id', [month])
      : this.sql.all<UsageRow>('SELECT * FROM usage WHERE month = ? AND project = ? ORDER BY key_id', [
          month,
          project,
        ]);
  }

  async charactersFor(keyId: string, month: string): Promise<number> {
    return (
      (await this.sql.value<number>('SELECT characters FROM usage WHERE key_id = ? AND month = ?', [
        keyId,
        month,
      ])) ?? 0
    );
  }
}
