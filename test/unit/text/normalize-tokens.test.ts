import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  normalize,
  type NormalizeLanguage,
  type NormalizeResult,
} from '../../../src/text/normalize/index.js';
import { EN_CORPUS } from './normalize-corpus/en.js';
import { JA_CORPUS } from './normalize-corpus/ja.js';
import { KO_CORPUS } from './normalize-corpus/ko.js';

/** Tokens partition the written text, in order, and their spoken parts make the spoken text. */
function expectWellFormed(text: string, result: NormalizeResult): void {
  let at = 0;
  for (const token of result.tokens) {
    expect(token.start).toBe(at);
    expect(token.end).toBeGreaterThan(token.start);
    expect(token.written).toBe(text.slice(token.start, token.end));
    at = token.end;
  }
  expect(at).toBe(text.length);
  expect(result.tokens.map((t) => t.written).join('')).toBe(text);
  expect(result.tokens.map((t) => t.spoken).join('')).toBe(result.spoken);
}

const MIXED: [NormalizeLanguage, string][] = [
  [
    'ko',
    '회의는 2026-12-01 오후 2:30, 3층 회의실에서 3~5명이 ₩12,000씩 냅니다. 문의: 010-1234-5678, KTX & AI!',
  ],
  ['ko', '  줄바꿈\n사이 3개\t그리고 끝 '],
  ['ja', '2026年12月1日の午後2時、ＡＩの会議に3人と一人が来て、¥1,000を十分後に払った。🙂'],
  [
    'en',
    'On Dec. 1, 2026 at 2:30 pm, Dr. Smith paid $5.50 for 2 km of St. Louis road; see https://example.com.',
  ],
  ['en', ''],
  ['en', 'plain words only'],
];

const CORPUS_INPUTS: [NormalizeLanguage, string][] = [
  ...Object.values(KO_CORPUS).flatMap((cases) => cases.map(([w]): [NormalizeLanguage, string] => ['ko', w])),
  ...Object.values(JA_CORPUS).flatMap((cases) => cases.map(([w]): [NormalizeLanguage, string] => ['ja', w])),
  ...Object.values(EN_CORPUS).flatMap((cases) => cases.map(([w]): [NormalizeLanguage, string] => ['en', w])),
];

describe('normalize: tokens', () => {
  it.each(MIXED)('%s %j: tokens cover the written text', (lang, text) => {
    expectWellFormed(text, normalize(lang, text));
  });

  it('every corpus input gives well-formed tokens', () => {
    for (const [lang, text] of CORPUS_INPUTS) expectWellFormed(text, normalize(lang, text));
  });

  it('maps spoken words back onto the written tokens (3시 is said 세 시)', () => {
    const { tokens } = normalize('ko', '회의는 3시 30분입니다.');
    expect(tokens).toEqual([
      { written: '회의는', spoken: '회의는', start: 0, end: 3 },
      { written: ' ', spoken: ' ', start: 3, end: 4 },
      { written: '3시', spoken: '세 시', start: 4, end: 6 },
      { written: ' ', spoken: ' ', start: 6, end: 7 },
      { written: '30분', spoken: '삼십 분', start: 7, end: 10 },
      { written: '입니다.', spoken: '입니다.', start: 10, end: 14 },
    ]);
  });

  it('keeps Japanese text that needs no change as one unchanged token', () => {
    const { tokens } = normalize('ja', '鉛筆を三本ください');
    expect(tokens).toEqual([
      { written: '鉛筆を', spoken: '鉛筆を', start: 0, end: 3 },
      { written: '三本', spoken: 'さんぼん', start: 3, end: 5 },
      { written: 'ください', spoken: 'ください', start: 5, end: 9 },
    ]);
  });

  it('keeps English words apart where a reading meets a letter (3D → three D)', () => {
    const { tokens } = normalize('en', 'a 3D film');
    expect(tokens.map((t) => t.spoken)).toEqual(['a', ' ', 'three ', 'D', ' ', 'film']);
  });

  it('offsets are UTF-16 units of the written text, full-width forms included', () => {
    const text = '🙂３本と１０％';
    const { tokens } = normalize('ja', text);
    expect(tokens.find((t) => t.written === '３本')).toEqual({
      written: '３本',
      spoken: 'さんぼん',
      start: 2,
      end: 4,
    });
    expect(tokens.find((t) => t.written === '１０％')).toEqual({
      written: '１０％',
      spoken: 'じゅっパーセント',
      start: 5,
      end: 8,
    });
  });

  it('refuses a language it has no rules for', () => {
    expect(() => normalize('de' as NormalizeLanguage, 'Hallo')).toThrow(/no text normalizer for language de/);
  });
});

describe('normalize: lexicon aliases', () => {
  it('an entry wins over the rules', () => {
    const plain = normalize('ko', '3D 프린터');
    expect(plain.spoken).toBe('쓰리디 프린터');
    const withEntry = normalize('ko', '3D 프린터', { lexicon: [{ grapheme: '3D', alias: '삼디' }] });
    expect(withEntry.spoken).toBe('삼디 프린터');
    expect(withEntry.tokens[0]).toEqual({ written: '3D', spoken: '삼디', start: 0, end: 2 });
  });

  it('rules still apply around the entries', () => {
    const lexicon = [{ grapheme: 'VoiceReel', alias: '보이스릴' }];
    expect(normalize('ko', 'VoiceReel은 3시에 AI를 켭니다.', { lexicon }).spoken).toBe(
      '보이스릴은 세 시에 에이아이를 켭니다.',
    );
  });

  it('matches case-insensitively unless the entry says otherwise', () => {
    const loose = [{ grapheme: 'voicereel', alias: 'voice reel' }];
    expect(normalize('en', 'VoiceReel and VOICEREEL', { lexicon: loose }).spoken).toBe(
      'voice reel and voice reel',
    );
    const strict = [{ grapheme: 'US', alias: 'United States', caseSensitive: true }];
    expect(normalize('en', 'US and us', { lexicon: strict }).spoken).toBe('United States and us');
  });

  it('Latin entries match whole words only; Hangul and kana ones anywhere', () => {
    const latin = [{ grapheme: 'AI', alias: '인공지능', caseSensitive: true }];
    expect(normalize('ko', 'AI와 MAIL', { lexicon: latin }).spoken).toBe('인공지능와 엠에이아이엘');
    const hangul = [{ grapheme: '보릴', alias: '보이스릴' }];
    expect(normalize('ko', '보릴은', { lexicon: hangul }).spoken).toBe('보이스릴은');
    const kana = [{ grapheme: 'ボイリル', alias: 'ぼいすりる' }];
    expect(normalize('ja', 'ボイリルは', { lexicon: kana }).spoken).toBe('ぼいすりるは');
  });

  it('the longest entry wins at a position; the alias is said as given', () => {
    const lexicon = [
      { grapheme: 'New', alias: 'noo' },
      { grapheme: 'New York', alias: 'the big apple 2' },
    ];
    expect(normalize('en', 'New York, New toys', { lexicon }).spoken).toBe('the big apple 2, noo toys');
  });

  it('ignores entries with an empty grapheme', () => {
    expect(normalize('en', '3 cats', { lexicon: [{ grapheme: '', alias: 'x' }] }).spoken).toBe('three cats');
  });
});

describe('src/text/normalize is a bottom layer', () => {
  it('imports only from itself and src/lib', async () => {
    const root = new URL('../../../src/text/normalize/', import.meta.url).pathname;
    const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const source = await readFile(join(root, file), 'utf8');
      for (const [, spec = ''] of source.matchAll(/from '([^']+)'/g)) {
        const target = relative(root, join(root, file, '..', spec));
        const inside = !target.startsWith('..');
        const lib = target.startsWith(join('..', '..', 'lib'));
        expect(inside || lib, `${file} imports ${spec}`).toBe(true);
      }
    }
  });
});
