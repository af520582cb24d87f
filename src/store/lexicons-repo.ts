import type { Sql } from './sql/client.js';

export interface LexiconRow {
  id: string;
  project: string;
  name: string;
  lang: string;
  is_default: number;
  entries_json: string;
  entry_count: number;
  created_at: number;
  updated_at: number;
}

export type LexiconSummaryRow = Omit<LexiconRow, 'entries_json'>;

const SUMMARY = 'id, project, name, lang, is_default, entry_count, created_at, updated_at';

export class LexiconsRepo {
  constructor(private readonly sql: Sql) {}

  /** Inserts the lexicon unless its project already holds `max`; false when it was refused. */
  async insertBelow(row: LexiconRow, max: number): Promise<boolean> {
    const changed = await this.sql.run(
      `INSERT INTO lexicons (id, project, name, lang, is_default, entries_json, entry_count, created_at, updated_at)
       SELECT @id, @project, @name, @lang, @is_default, @entries_json, @entry_count, @created_at, @updated_at
       WHERE (SELECT COUNT(*) FROM lexicons WHERE project = @project) < @max`,
      { ...row, max },
    );
    return changed > 0;
  }

  /** Replaces name, language, default flag and entries; false if the project holds no such lexicon. */
  async replace(row: Omit<LexiconRow, 'created_at'>): Promise<boolean> {
    const changed = await this.sql.run(
      `UPDATE lexicons SET name = @name, lang = @lang, is_default = @is_default, entries_json = @entries_json,
         entry_count = @entry_count, updated_at = @updated_at
       WHERE id = @id AND project = @project`,
      row,
    );
    return changed > 0;
  }

  get(id: string, project: string): Promise<LexiconRow | undefined> {
    return this.sql.one<LexiconRow>('SELECT * FROM lexicons WHERE id = ? AND project = ?', [id, project]);
  }

  /** Several lexicons of one project by id (missing ones are simply absent). */
  async getMany(ids: readonly string[], project: string): Promise<LexiconRow[]> {
    if (ids.length === 0) return [];
    const marks = ids.map(() => '?').join(', ');
    return this.sql.all<LexiconRow>(`SELECT * FROM lexicons WHERE project = ? AND id IN (${marks})`, [
      project,
      ...ids,
    ]);
  }

  defaults(project: string): Promise<LexiconRow[]> {
    return this.sql.all<LexiconRow>(
      'SELECT * FROM lexicons WHERE project = ? AND is_default = 1 ORDER BY created_at, id',
      [project],
    );
  }

  async list(
    project: string,
    limit: number,
    offset: number,
  ): Promise<{ rows: LexiconSummaryRow[]; total: number }> {
    const rows = await this.sql.all<LexiconSummaryRow>(
      `SELECT ${SUMMARY} FROM lexicons WHERE project = ? ORDER BY created_at, id LIMIT ? OFFSET ?`,
      [project, limit, offset],
    );
    return { rows, total: await this.count(project) };
  }

  async count(project: string): Promise<number> {
    return Number(await this.sql.value('SELECT COUNT(*) FROM lexicons WHERE project = ?', [project]));
  }

  async delete(id: string, project: string): Promise<boolean> {
    return (await this.sql.run('DELETE FROM lexicons WHERE id = ? AND project = ?', [id, project])) > 0;
  }
}
