import { errors } from '../../errors.js';
import { LANGUAGES, type Language } from '../../text/languages.js';
import { normalize, type LexiconAlias } from '../../text/normalize/index.js';
import type { Principal } from '../keys.js';
import type { LineLexiconEntry } from '../../engine/types.js';
import { aliasesOf, checkPhonemes, lineEntriesOf, parseEntries } from './entries.js';

export interface PreviewLimits {
  /** The longest text one request may normalize (the same as one script line). */
  maxChars: number;
  /** The most inline lexicon entries one request may carry. */
  maxEntries: number;
}

export interface NormalizePreview {
  spoken: string;
  tokens: Array<{ written: string; spoken: string }>;
}

/** Stored lexicons by id, for one language (LexiconService.resolve). */
export type ResolveLexicons = (
  who: Principal,
  ids: string[],
) => Promise<Partial<Record<Language, LineLexiconEntry[]>>>;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `lang` must be one the normalizer speaks; named in the error so the caller can fix it. */
export function parseLanguage(value: unknown, field = 'lang'): Language {
  if (typeof value !== 'string' || !(LANGUAGES as readonly string[]).includes(value)) {
    throw errors.invalidInput(`${field} must be one of ${LANGUAGES.join(', ')}.`, { field });
  }
  return value as Language;
}

/**
 * What a text will be said as, before paying for synthesis: `POST /v1/text/normalize`. Pure work on
 * the request's own text (bounded by maxChars), so it runs inline rather than on a worker.
 */
export class TextPreviewService {
  constructor(
    private readonly limits: PreviewLimits,
    private readonly resolve: ResolveLexicons,
  ) {}

  async preview(who: Principal, body: unknown): Promise<NormalizePreview> {
    if (!isRecord(body))
      throw errors.invalidInput('The body must be a JSON object { lang, text, lexicon? }.');
    const lang = parseLanguage(body.lang);
    const { text } = body;
    if (typeof text !== 'string' || text.length === 0) {
      throw errors.invalidInput('text must be a non-empty string.', { field: 'text' });
    }
    if (text.length > this.limits.maxChars) {
      throw errors.invalidInput(`text is longer than ${this.limits.maxChars} characters.`, { field: 'text' });
    }
    const result = normalize(lang, text, { lexicon: await this.lexicon(who, lang, body.lexicon) });
    return {
      spoken: result.spoken,
      tokens: result.tokens.map(({ written, spoken }) => ({ written, spoken })),
    };
  }

  /**
   * `lexicon`: stored lexicon ids (strings) and inline entries (objects), in any mix. Stored ones
   * come first, in the order named; only those of the text's language apply.
   */
  private async lexicon(who: Principal, lang: Language, value: unknown): Promise<LexiconAlias[]> {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      throw errors.invalidInput('lexicon must be an array of lexicon ids and entries.', { field: 'lexicon' });
    }
    const ids = value.filter((v): v is string => typeof v === 'string');
    const inline = parseEntries(
      value.filter((v) => typeof v !== 'string'),
      this.limits.maxEntries,
      'lexicon',
    );
    checkPhonemes(lang, inline, 'lexicon');
    const stored = ids.length === 0 ? [] : ((await this.resolve(who, ids))[lang] ?? []);
    return aliasesOf([...stored, ...lineEntriesOf(inline)]);
  }
}
