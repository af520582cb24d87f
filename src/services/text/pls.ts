import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { errors } from '../../errors.js';
import { LANGUAGES, type Language } from '../../text/languages.js';
import { type LexiconEntry, parseEntries } from './entries.js';

/**
 * W3C Pronunciation Lexicon Specification 1.0, the parts VoiceReel stores: `xml:lang`, lexemes
 * with one or more graphemes and either an alias or an IPA phoneme (the first one, PLS's
 * preferred pronunciation). PLS has no case rule, so a lexeme may carry
 * `vr:case-sensitive="true"` in VoiceReel's namespace; other processors ignore it.
 */
export const PLS_NS = 'http://www.w3.org/2005/01/pronunciation-lexicon';
export const VR_NS = 'urn:voicereel:pls';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Only the five predefined entities: documents with a DTD are refused before parsing.
  processEntities: true,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ['lexeme', 'grapheme', 'phoneme', 'alias'].includes(name),
});

type Node = Record<string, unknown>;

const bad = (message: string) => errors.invalidInput(`PLS: ${message}`, { field: 'body' });

function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as Node)['#text'] === 'string')
    return (v as Node)['#text'] as string;
  return '';
}

function attr(node: unknown, name: string): string | undefined {
  const v = node && typeof node === 'object' ? (node as Node)[`@${name}`] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function isIpa(alphabet: string | undefined): boolean {
  return alphabet !== undefined && alphabet.toLowerCase() === 'ipa';
}

/** A PLS document to a language and entries; refuses DTDs and entities (XXE) and other alphabets. */
export function parsePls(xml: string, maxEntries: number): { lang: Language; entries: LexiconEntry[] } {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw bad('documents with a DTD or entity declarations are refused.');
  if (XMLValidator.validate(xml) !== true) throw bad('the body is not well-formed XML.');
  const doc = parser.parse(xml) as Node;
  const root = doc.lexicon as Node | undefined;
  if (!root || typeof root !== 'object') throw bad('the root element must be <lexicon>.');
  if (attr(root, 'version') !== '1.0') throw bad('<lexicon version="1.0"> is required.');
  const tag = (attr(root, 'xml:lang') ?? '').split('-')[0]?.toLowerCase() ?? '';
  if (!(LANGUAGES as readonly string[]).includes(tag)) {
    throw bad(`xml:lang must be one of ${LANGUAGES.join(', ')} (with or without a region).`);
  }
  const alphabet = attr(root, 'alphabet');
  const raw: Array<Record<string, unknown>> = [];
  for (const lexeme of (root.lexeme as unknown[] | undefined) ?? []) {
    const graphemes = ((lexeme as Node).grapheme as unknown[] | undefined) ?? [];
    const alias = ((lexeme as Node).alias as unknown[] | undefined)?.[0];
    const phoneme = ((lexeme as Node).phoneme as unknown[] | undefined)?.[0];
    if (phoneme !== undefined && alias === undefined && !isIpa(attr(phoneme, 'alphabet') ?? alphabet)) {
      throw bad('only the "ipa" phoneme alphabet is supported.');
    }
    const say = alias !== undefined ? { alias: textOf(alias) } : { phonemes: textOf(phoneme) };
    const cs = attr(lexeme, 'vr:case-sensitive');
    for (const g of graphemes) {
      raw.push({
        grapheme: textOf(g),
        ...say,
        ...(cs === undefined ? {} : { case_sensitive: cs === 'true' }),
      });
      if (raw.length > maxEntries) break;
    }
  }
  return { lang: tag as Language, entries: parseEntries(raw, maxEntries, 'lexeme') };
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ESC[c]!);

/** Entries as a PLS 1.0 document, one lexeme per entry (so importing it gives the same entries). */
export function buildPls(lang: Language, entries: readonly LexiconEntry[]): string {
  const lexemes = entries.map((e) => {
    const cs = e.case_sensitive ? ' vr:case-sensitive="true"' : '';
    const say =
      e.alias !== undefined
        ? `<alias>${esc(e.alias)}</alias>`
        : `<phoneme>${esc(e.phonemes ?? '')}</phoneme>`;
    return `  <lexeme${cs}><grapheme>${esc(e.grapheme)}</grapheme>${say}</lexeme>\n`;
  });
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<lexicon version="1.0" xmlns="${PLS_NS}" xmlns:vr="${VR_NS}" alphabet="ipa" xml:lang="${lang}">\n` +
    lexemes.join('') +
    '</lexicon>\n'
  );
}
