import type { Db } from './db.js';

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
  constructor(private readonly db: Db) {}

  add(keyId: string, project: string, month: string, d: UsageDelta): void {
    this.db
      .prepare(
        `INSERT INTO usage (key_id, project, month, requests, synthesized_seconds, characters, registrations)
         VALUES (@keyId, @project, @month, @requests, @seconds, @characters, @registrations)
         ON CONFLICT (key_id, month) DO UPDATE SET
           requests = requests + excluded.requests,
           synthesized_seconds = synthesized_seconds + excluded.synthesized_seconds,
           characters = characters + excluded.characters,
           registrations = registrations + excluded.registrations`,
      )
      .run({
        keyId,
        project,
        month,
        requests: d.requests ?? 0,
        seconds: d.synthesized_seconds ?? 0,
        characters: d.characters ?? 0,
        registrations: d.registrations ?? 0,
      });
  }

  forMonth(month: string, project?: string): UsageRow[] {
    return (
      project === undefined
        ? this.db.prepare('SELECT * FROM usage WHERE month = ? ORDER BY project, key_id').all(month)
        : this.db
            .prepare('SELECT * FROM usage WHERE month = ? AND project = ? ORDER BY key_id')
            .all(month, project)
    ) as UsageRow[];
  }

  charactersFor(keyId: string, month: string): number {
    return (this.db
      .prepare('SELECT characters FROM usage WHERE key_id = ? AND month = ?')
      .pluck()
      .get(keyId, month) ?? 0) as number;
  }
}
