import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kuromoji from 'kuromoji';
import { describe, expect, it } from 'vitest';
import { createJapaneseReader } from '../../../src/engine/japanese.js';
import {
  loadSharedKuromojiDictionary,
  sharedTokenizer,
  whenFilled,
} from '../../../src/engine/kuromoji-shared.js';
import { enginePaths } from './assets.js';

const TEXT =
  '吾輩は猫である。名前はまだ無い。国境の長いトンネルを抜けると雪国であった。' +
  '今日は東京で新しい製品の計画について話します。ｱｲｳ VoiceReel 123、ぴょんぴょん！';

function diskTokenizer(dir: string): Promise<kuromoji.Tokenizer<kuromoji.IpadicFeatures>> {
  return new Promise((resolve, reject) =>
    kuromoji.builder({ dicPath: dir }).build((err, t) => (err ? reject(err) : resolve(t))),
  );
}

describe('kuromoji dictionary shared between threads', () => {
  it('tokenizes exactly as kuromoji does from its own files', async () => {
    const dir = enginePaths().kuromojiDict;
    const { dictionary, filled } = loadSharedKuromojiDictionary(dir);
    await filled;
    const shared = sharedTokenizer(dictionary);
    const disk = await diskTokenizer(dir);
    expect(shared.tokenize(TEXT)).toEqual(disk.tokenize(TEXT));
    // Every buffer a thread reads is shared memory, not a per-thread copy.
    for (const buffer of Object.values(dictionary.files)) expect(buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('hands out the buffers at once; a reader built meanwhile waits for them to be filled', async () => {
    const dir = enginePaths().kuromojiDict;
    const { dictionary, filled } = loadSharedKuromojiDictionary(dir);
    const reader = createJapaneseReader(dir, dictionary);
    await filled;
    expect((await reader).toKana('東京に行きます')).toBe('とーきょーにいきます');
  });

  it('tells waiting threads when a file cannot be decompressed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vr-kuromoji-'));
    try {
      cpSync(enginePaths().kuromojiDict, dir, { recursive: true });
      // A valid gzip trailer on a body that is not gzip.
      writeFileSync(join(dir, 'cc.dat.gz'), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 16, 0, 0, 0]));
      const { dictionary, filled } = loadSharedKuromojiDictionary(dir);
      await expect(filled).rejects.toThrow(/kuromoji dictionary at .* failed to load/);
      await expect(whenFilled(dictionary)).rejects.toThrow(/failed to load/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
