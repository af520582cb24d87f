import kuromoji from 'kuromoji';
import { sharedTokenizer, type SharedKuromojiDictionary, whenFilled } from './kuromoji-shared.js';

/** A caption-sized unit of Japanese text: what the reader sees and what eSpeak is given to say. */
export interface JapaneseWord {
  surface: string;
  kana: string;
}

export interface JapaneseReader {
  /** Splits text into bunsetsu-like words (content word + trailing particles, auxiliaries, punctuation). */
  words(text: string): JapaneseWord[];
  /** The whole text in hiragana (punctuation and unknown words kept as written). */
  toKana(text: string): string;
}

type Token = kuromoji.IpadicFeatures;

/**
 * Builds the kuromoji tokenizer from `dictPath` (never from node_modules: the bundled app ships the
 * dictionary beside itself). Takes ~0.7 s and ~290 MB, so callers build it once per thread, or
 * over the dictionary the main thread decompressed once into shared memory (`shared`, a few MB and
 * milliseconds per thread).
 */
export function createJapaneseReader(
  dictPath: string,
  shared?: SharedKuromojiDictionary,
): Promise<JapaneseReader> {
  if (shared) return whenFilled(shared).then(() => readerOver(sharedTokenizer(shared)));
  return new Promise((resolve, reject) => {
    kuromoji.builder({ dicPath: dictPath }).build((err, tokenizer) => {
      if (err) {
        reject(new Error(`kuromoji dictionary at ${dictPath} failed to load: ${String(err)}`));
        return;
      }
      resolve(readerOver(tokenizer));
    });
  });
}

/** The reader over a filled shared dictionary, built synchronously (on first use in analysis workers). */
export function sharedJapaneseReader(shared: SharedKuromojiDictionary): JapaneseReader {
  return readerOver(sharedTokenizer(shared));
}

function readerOver(tokenizer: kuromoji.Tokenizer<Token>): JapaneseReader {
  return {
    words: (text) => groupWords(tokenizer.tokenize(text)),
    toKana: (text) => tokenizer.tokenize(text).map(tokenKana).join(''),
  };
}

/** The brief's converter: text with kanji → hiragana readings. */
export async function createKanaConverter(dictPath: string): Promise<(text: string) => string> {
  const reader = await createJapaneseReader(dictPath);
  return (text) => reader.toKana(text);
}

/**
 * Kana for one token. The pronunciation field is preferred over the reading because eSpeak's `ja`
 * voice reads kana literally: with readings, the topic particle は comes out as "ha" and 東京
 * (トウキョウ) as "to-u-kyo-u"; pronunciations give わ and long vowels (トーキョー), which it reads right.
 */
function tokenKana(t: Token): string {
  if (t.pos === '記号') return t.surface_form;
  const kana = usable(t.pronunciation) ?? usable(t.reading);
  return kana === undefined ? t.surface_form : katakanaToHiragana(kana);
}

function usable(s: string | undefined): string | undefined {
  return s && s !== '*' ? s : undefined;
}

export function katakanaToHiragana(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    // ァ (U+30A1) .. ヶ (U+30F6) map one-to-one onto ぁ .. ゖ; ー and the rest stay.
    out += c >= 0x30a1 && c <= 0x30f6 ? String.fromCodePoint(c - 0x60) : ch;
  }
  return out;
}

/** Tokens that lean on the word before them rather than starting a new caption word. */
function attachesToPrevious(t: Token): boolean {
  if (t.pos === '助詞' || t.pos === '助動詞') return true;
  if (t.pos === '記号') return t.pos_detail_1 !== '括弧開' && t.pos_detail_1 !== '空白';
  return t.pos_detail_1 === '接尾' || t.pos_detail_1 === '非自立';
}

/** Tokens that lean on the word after them. */
function attachesToNext(t: Token): boolean {
  return t.pos === '接頭詞' || (t.pos === '記号' && t.pos_detail_1 === '括弧開');
}

function groupWords(tokens: Token[]): JapaneseWord[] {
  const words: JapaneseWord[] = [];
  let current: JapaneseWord | null = null;
  let glueNext = false;
  for (const t of tokens) {
    if (t.pos === '記号' && t.pos_detail_1 === '空白') {
      // Spaces separate words and are not spoken; a pending prefix cannot carry across them.
      current = null;
      glueNext = false;
      continue;
    }
    const kana = tokenKana(t);
    if (current && (glueNext || attachesToPrevious(t))) {
      current.surface += t.surface_form;
      current.kana += kana;
    } else {
      current = { surface: t.surface_form, kana };
      words.push(current);
    }
    glueNext = attachesToNext(t);
  }
  return words;
}
