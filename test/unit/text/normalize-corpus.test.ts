import { describe, expect, it } from 'vitest';
import { normalize, type NormalizeLanguage } from '../../../src/text/normalize/index.js';
import { EN_CORPUS } from './normalize-corpus/en.js';
import { JA_CORPUS } from './normalize-corpus/ja.js';
import { KO_CORPUS } from './normalize-corpus/ko.js';
import type { Corpus } from './normalize-corpus/types.js';

const CORPORA: [NormalizeLanguage, Corpus, number][] = [
  ['ko', KO_CORPUS, 150],
  ['ja', JA_CORPUS, 100],
  ['en', EN_CORPUS, 50],
];

function count(corpus: Corpus): number {
  return Object.values(corpus).reduce((sum, cases) => sum + cases.length, 0);
}

describe.each(CORPORA)('normalize corpus: %s', (lang, corpus, minimum) => {
  it(`has at least ${minimum} cases, none repeated`, () => {
    const written = Object.values(corpus).flatMap((cases) => cases.map(([w]) => w));
    expect(written.length).toBeGreaterThanOrEqual(minimum);
    expect(new Set(written).size).toBe(written.length);
  });

  describe.each(Object.entries(corpus))('%s', (_family, cases) => {
    it.each(cases)('%j → %j', (written, spoken) => {
      expect(normalize(lang, written).spoken).toBe(spoken);
    });
  });
});

describe('corpus counts in docs/text.md', () => {
  it('match the corpus', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../../docs/text.md', import.meta.url), 'utf8');
    for (const [lang, corpus] of CORPORA) {
      expect(doc).toMatch(new RegExp(`\\|\\s*${lang}\\s*\\|\\s*${count(corpus)}\\s*\\|`));
    }
  });
});
