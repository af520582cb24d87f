/** Languages the normalizer knows (ISO 639-1), the same first three the product speaks. */
export type NormalizeLanguage = 'ko' | 'ja' | 'en';

/**
 * One piece of the written text and what is said for it. Tokens partition the input: in order,
 * without gaps, `written === text.slice(start, end)`, and their `spoken` parts joined give the
 * whole spoken text. Text that needs no change is its own token with `written === spoken`
 * (words and whitespace runs separately), so word timings of the spoken form can be mapped back
 * onto the written tokens that captions show.
 */
export interface NormalizedToken {
  written: string;
  spoken: string;
  /** UTF-16 offsets into the written text, end exclusive. */
  start: number;
  end: number;
}

export interface NormalizeResult {
  spoken: string;
  tokens: NormalizedToken[];
}

/**
 * "Say this grapheme as this text". Applied before the language rules, so an entry wins over
 * them; the alias is spoken exactly as given (it is not normalized again).
 */
export interface LexiconAlias {
  grapheme: string;
  alias: string;
  /** Default false: "voicereel" also matches "VoiceReel". */
  caseSensitive?: boolean;
}

export interface NormalizeOptions {
  lexicon?: readonly LexiconAlias[];
}

/** What a rule says for the text it matched at a position. */
export interface RuleMatch {
  /** UTF-16 length of the written text consumed. */
  length: number;
  spoken: string;
}

/**
 * A normalization rule, tried at every position of the text. `text` is the folded text (full-width
 * ASCII mapped to ASCII, see fold.ts), so rules only need to know half-width digits and signs.
 */
export interface Rule {
  readonly name: string;
  /** Its spoken form leans on the token before (Korean 에서 for a range sign): no space between. */
  readonly attaches?: boolean;
  match(text: string, at: number): RuleMatch | null;
}

/** A language's rules, most specific first: the first one matching at a position wins. */
export interface RuleSet {
  rules: readonly Rule[];
  /** A character no rule starts with (plain Hangul, kana): skipped without trying the rules. */
  inert?: RegExp;
}
