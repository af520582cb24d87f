// kuromoji's loader and tokenizer classes, used to build a tokenizer over dictionary buffers that
// the main thread decompressed once (kuromoji-shared.ts). The package declares only its builder.
declare module 'kuromoji/src/loader/DictionaryLoader.js' {
  class DictionaryLoader {
    constructor(dicPath: string);
    loadArrayBuffer(file: string, callback: (err: Error | null, buffer?: ArrayBufferLike) => void): void;
    load(callback: (err: Error | null, dic: KuromojiDictionaries) => void): void;
  }
  export interface KuromojiDictionaries {
    token_info_dictionary: { target_map: Record<number, ArrayLike<number>> };
  }
  export default DictionaryLoader;
}
declare module 'kuromoji/src/Tokenizer.js' {
  import type { IpadicFeatures, Tokenizer as KTokenizer } from 'kuromoji';
  import type { KuromojiDictionaries } from 'kuromoji/src/loader/DictionaryLoader.js';
  const Tokenizer: new (dic: KuromojiDictionaries) => KTokenizer<IpadicFeatures>;
  export default Tokenizer;
}
