import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../helpers/api.js';
import { cli } from '../helpers/cli.js';
import { fixturePath } from '../helpers/fixtures.js';
import { writePiperPack } from '../helpers/packs.js';
import { removeDir, startServer, type TestServer } from '../helpers/server.js';

/**
 * IPA lexicon entries reach every voice as phonemes. The test Piper graph makes one fixed stretch
 * of audio per phoneme id, and its word times share the audio by ids: a word said with 20 given
 * phonemes lasts about ten times one said with 2, whatever eSpeak would have guessed. The built-in
 * eSpeak voices are given the entry as phoneme input, so the same holds for them.
 */
interface Word {
  text: string;
  start: number;
  end: number;
}

let server: TestServer;
let api: Api;
let work: string;

beforeAll(async () => {
  work = fixturePath(`lexicon-ipa-${process.pid}`);
  const dataDir = join(work, 'data');
  const pack = writePiperPack(join(work, 'piper'));
  const r = await cli(['models', 'install', pack, '--data-dir', dataDir]);
  expect(r.code, r.stderr).toBe(0);
  server = await startServer({ dataDir, config: '[engine]\nworkers = 1\n' });
  api = new Api(server.url, server.adminKey);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (work) removeDir(work);
});

interface Said {
  voice: string;
  lang: 'en' | 'ko';
  grapheme: string;
  text: string;
}
const PIPER: Said = {
  voice: 'piper-test:default',
  lang: 'en',
  grapheme: 'Nguyen',
  text: 'Nguyen waited at 5 pm.',
};

async function wordsWith(phonemes: string | undefined, said: Said = PIPER): Promise<Word[]> {
  let lexicons: string[] = [];
  if (phonemes !== undefined) {
    const lex = await api.client.createLexicon({
      name: `ipa ${phonemes}`,
      lang: said.lang,
      entries: [{ grapheme: said.grapheme, phonemes }],
    });
    expect(api.lastStatus).toBe(201);
    lexicons = [lex.id];
  }
  const { job_id } = await api.client.synthesize({
    script: [{ voice: said.voice, text: said.text }],
    output_format: 'wav',
    sample_rate: 22050,
    lexicons,
  });
  expect(api.lastStatus).toBe(202);
  const job = await api.client.waitForJob(job_id);
  expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
  return (job.result as { captions: Array<{ words: Word[] }> }).captions[0]!.words;
}

describe('IPA lexicon entries on neural voices', () => {
  it('say the grapheme with the given phonemes, not eSpeak’s guess', async () => {
    const short = await wordsWith('ŋa');
    const long = await wordsWith('ŋa'.repeat(10));
    const guessed = await wordsWith(undefined);
    for (const words of [short, long, guessed]) {
      expect(words.map((w) => w.text)).toEqual(['Nguyen', 'waited', 'at', '5 pm.']);
    }
    const len = (w: Word) => w.end - w.start;
    const ratio = len(long[0]!) / len(short[0]!);
    expect(ratio).toBeGreaterThan(7);
    expect(ratio).toBeLessThan(13);
    // The other words are untouched, and the guessed reading is neither of the given ones.
    expect(len(long[1]!)).toBeCloseTo(len(short[1]!), 2);
    expect(Math.abs(len(guessed[0]!) - len(short[0]!))).toBeGreaterThan(0.01);
    // The normalizer still read the rest of the line: "5 pm" is one written word for "five P M".
    expect(len(long[3]!)).toBeGreaterThan(len(long[1]!));
  }, 180_000);
});

describe('IPA lexicon entries on the built-in eSpeak voices', () => {
  const len = (w: Word | undefined) => (w ? w.end - w.start : NaN);

  it('say the grapheme with the given phonemes (English)', async () => {
    const said: Said = {
      voice: 'builtin-en',
      lang: 'en',
      grapheme: 'Nguyen',
      text: 'Nguyen waited at 5 pm.',
    };
    const short = await wordsWith('ˈŋa', said);
    const long = await wordsWith(Array.from({ length: 8 }, () => 'ˈŋa').join(' '), said);
    for (const words of [short, long]) {
      expect(words.map((w) => w.text)).toEqual(['Nguyen', 'waited', 'at', '5 pm.']);
    }
    expect(len(long[0]) / len(short[0])).toBeGreaterThan(4);
    expect(len(long[1])).toBeCloseTo(len(short[1]), 1);
  }, 120_000);

  it('say a Korean grapheme with its phonemes with a particle attached', async () => {
    const said: Said = { voice: 'builtin-ko', lang: 'ko', grapheme: '서울', text: '서울에 갔다.' };
    const short = await wordsWith('sʰʌul', said);
    const long = await wordsWith(Array.from({ length: 6 }, () => 'sʰʌul').join(' '), said);
    for (const words of [short, long]) expect(words.map((w) => w.text)).toEqual(['서울', '에', '갔다.']);
    expect(len(long[0]) / len(short[0])).toBeGreaterThan(3);
  }, 120_000);
});
