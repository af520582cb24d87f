import { errors } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import { isWellFormedId, newId } from '../../lib/ids.js';
import type { Language } from '../../text/languages.js';
import type { LexiconRow, LexiconsRepo } from '../../store/lexicons-repo.js';
import type { Principal } from '../keys.js';
import type { LineLexiconEntry } from '../../engine/types.js';
import { checkPhonemes, type LexiconEntry, lineEntriesOf, parseEntries } from './entries.js';
import { buildPls, parsePls } from './pls.js';
import { parseLanguage } from './preview.js';

export interface LexiconLimits {
  maxEntries: number;
  maxPerProject: number;
}

export interface LexiconView {
  id: string;
  name: string;
  lang: string;
  default: boolean;
  entry_count: number;
  created_at: string;
  updated_at: string;
  entries?: LexiconEntry[];
}

/** A lexicon as sent: JSON `{ name, lang, default?, entries }`, or a PLS document plus name/default. */
export type LexiconInput =
  | { kind: 'json'; body: unknown }
  | { kind: 'pls'; xml: string; name: string | undefined; isDefault: boolean | undefined };

const MAX_NAME = 100;
/** Lexicons one script or preview may name. */
export const MAX_NAMED_LEXICONS = 20;

/** Per-project pronunciation lexicons: stored, listed, exported as PLS, and resolved for synthesis. */
export class LexiconService {
  constructor(
    private readonly repo: LexiconsRepo,
    private readonly clock: Clock,
    private readonly limits: LexiconLimits,
  ) {}

  async create(who: Principal, input: LexiconInput): Promise<LexiconView> {
    const parsed = this.parse(input, { name: 'Imported lexicon', is_default: 0 });
    const now = this.clock.now();
    const row: LexiconRow = {
      id: newId('lex'),
      project: who.project,
      ...parsed,
      created_at: now,
      updated_at: now,
    };
    // The count and the insert are one statement, so concurrent creations cannot pass the cap.
    if (!(await this.repo.insertBelow(row, this.limits.maxPerProject))) {
      throw errors.invalidInput(`A project may keep at most ${this.limits.maxPerProject} lexicons.`, {
        limit: this.limits.maxPerProject,
      });
    }
    return view(row, true);
  }

  async list(who: Principal, page: number, pageSize: number) {
    const { rows, total } = await this.repo.list(who.project, pageSize, (page - 1) * pageSize);
    return { items: rows.map((r) => view(r, false)), page, page_size: pageSize, total };
  }

  async get(who: Principal, id: string): Promise<LexiconView> {
    return view(await this.find(who, id), true);
  }

  async exportPls(who: Principal, id: string): Promise<string> {
    const row = await this.find(who, id);
    return buildPls(row.lang as Language, JSON.parse(row.entries_json) as LexiconEntry[]);
  }

  async replace(who: Principal, id: string, input: LexiconInput): Promise<LexiconView> {
    const old = await this.find(who, id);
    const row: LexiconRow = { ...old, ...this.parse(input, old), updated_at: this.clock.now() };
    if (!(await this.repo.replace(row))) throw errors.notFound('Lexicon');
    return view(row, true);
  }

  async delete(who: Principal, id: string): Promise<void> {
    if (!isWellFormedId(id, 'lex') || !(await this.repo.delete(id, who.project)))
      throw errors.notFound('Lexicon');
  }

  /**
   * Entries per language from the named lexicons (`ids` absent: the project's defaults), in
   * the order named. Snapshotted into a job, so later edits do not change queued work.
   */
  async resolve(
    who: Principal,
    ids: unknown,
    field = 'lexicons',
  ): Promise<Partial<Record<Language, LineLexiconEntry[]>>> {
    const rows =
      ids === undefined ? await this.repo.defaults(who.project) : await this.named(who, ids, field);
    const out: Partial<Record<Language, LineLexiconEntry[]>> = {};
    for (const row of rows) {
      const lang = row.lang as Language;
      (out[lang] ??= []).push(...lineEntriesOf(JSON.parse(row.entries_json) as LexiconEntry[]));
    }
    return out;
  }

  private async named(who: Principal, ids: unknown, field: string): Promise<LexiconRow[]> {
    if (!Array.isArray(ids) || ids.length > MAX_NAMED_LEXICONS || ids.some((i) => typeof i !== 'string')) {
      throw errors.invalidInput(`${field} must be an array of at most ${MAX_NAMED_LEXICONS} lexicon ids.`, {
        field,
      });
    }
    const rows = await this.repo.getMany(
      ids.filter((i: string) => isWellFormedId(i, 'lex')) as string[],
      who.project,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return (ids as string[]).map((id, i) => {
      const row = byId.get(id);
      if (!row)
        throw errors.invalidInput(`${field}[${i}] names no lexicon of this project.`, {
          field: `${field}[${i}]`,
        });
      return row;
    });
  }

  private async find(who: Principal, id: string): Promise<LexiconRow> {
    const row = isWellFormedId(id, 'lex') ? await this.repo.get(id, who.project) : undefined;
    if (!row) throw errors.notFound('Lexicon');
    return row;
  }

  /** `before`: the name and default flag a PLS import keeps when the request does not set them. */
  private parse(
    input: LexiconInput,
    before: Pick<LexiconRow, 'name' | 'is_default'>,
  ): Omit<LexiconRow, 'id' | 'project' | 'created_at' | 'updated_at'> {
    let name: unknown;
    let isDefault: unknown;
    let lang: Language;
    let entries: LexiconEntry[];
    if (input.kind === 'pls') {
      ({ lang, entries } = parsePls(input.xml, this.limits.maxEntries));
      name = input.name ?? before.name;
      isDefault = input.isDefault ?? before.is_default === 1;
    } else {
      const b = input.body;
      if (!b || typeof b !== 'object' || Array.isArray(b)) {
        throw errors.invalidInput('The body must be a JSON object { name, lang, default?, entries }.');
      }
      const r = b as Record<string, unknown>;
      lang = parseLanguage(r.lang);
      entries = parseEntries(r.entries, this.limits.maxEntries, 'entries');
      name = r.name;
      isDefault = r.default ?? false;
    }
    checkPhonemes(lang, entries, input.kind === 'pls' ? 'lexeme' : 'entries');
    if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME) {
      throw errors.invalidInput(`name must be a non-empty string of at most ${MAX_NAME} characters.`, {
        field: 'name',
      });
    }
    if (typeof isDefault !== 'boolean') {
      throw errors.invalidInput('default must be true or false.', { field: 'default' });
    }
    return {
      name,
      lang,
      is_default: isDefault ? 1 : 0,
      entries_json: JSON.stringify(entries),
      entry_count: entries.length,
    };
  }
}

function view(row: LexiconRow | Omit<LexiconRow, 'entries_json'>, withEntries: boolean): LexiconView {
  return {
    id: row.id,
    name: row.name,
    lang: row.lang,
    default: row.is_default === 1,
    entry_count: row.entry_count,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
    ...(withEntries && 'entries_json' in row
      ? { entries: JSON.parse(row.entries_json) as LexiconEntry[] }
      : {}),
  };
}
