import type { Db } from './db.js';

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
  constructor(private readonly db: Db) {}

  insert(row: LexiconRow): void {
    this.db
      .prepare(
        `INSERT INTO lexicons (id, project, name, lang, is_default, entries_json, entry_count, created_at, updated_at)
         VALUES (@id, @project, @name, @lang, @is_default, @entries_json, @entry_count, @created_at, @updated_at)`,
      )
      .run(row);
  }

  /** Replaces name, language, default flag and entries; false if the project holds no such lexicon. */
  replace(row: Omit<LexiconRow, 'created_at'>): boolean {
    const res = this.db
      .prepare(
        `UPDATE lexicons SET name = @name, lang = @lang, is_default = @is_default, entries_json = @entries_json,
           entry_count = @entry_count, updated_at = @updated_at
         WHERE id = @id AND project = @project`,
      )
      .run(row);
    return res.changes > 0;
  }

  get(id: string, project: string): LexiconRow | undefined {
    return this.db.prepare('SELECT * FROM lexicons WHERE id = ? AND project = ?').get(id, project) as
      LexiconRow | undefined;
  }

  /** Several lexicons of one project by id (missing ones are simply absent). */
  getMany(ids: readonly string[], project: string): LexiconRow[] {
    if (ids.length === 0) return [];
    const marks = ids.map(() => '?').join(', ');
    return this.db
      .prepare(`SELECT * FROM lexicons WHERE project = ? AND id IN (${marks})`)
      .all(project, ...ids) as LexiconRow[];
  }

  defaults(project: string): LexiconRow[] {
    return this.db
      .prepare('SELECT * FROM lexicons WHERE project = ? AND is_default = 1 ORDER BY created_at, id')
      .all(project) as LexiconRow[];
  }

  list(project: string, limit: number, offset: number): { rows: LexiconSummaryRow[]; total: number } {
    const rows = this.db
      .prepare(`SELECT ${SUMMARY} FROM lexicons WHERE project = ? ORDER BY created_at, id LIMIT ? OFFSET ?`)
      .all(project, limit, offset) as LexiconSummaryRow[];
    return { rows, total: this.count(project) };
  }

  count(project: string): number {
    const row = this.db.prepare('SELECT COUNT(*) AS n FROM lexicons WHERE project = ?').get(project) as {
      n: number;
    };
    return row.n;
  }

  delete(id: string, project: string): boolean {
    return this.db.prepare('DELETE FROM lexicons WHERE id = ? AND project = ?').run(id, project).changes > 0;
  }
}
