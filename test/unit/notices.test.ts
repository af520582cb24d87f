import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// vitest's globalSetup has run scripts/build.mjs, which writes build/meta.json.
describe('THIRD_PARTY_NOTICES', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voicereel-notices-'));
  const out = join(dir, 'THIRD_PARTY_NOTICES');
  let generated = '';

  beforeAll(() => {
    execFileSync(process.execPath, ['scripts/notices.mjs', '--out', out], { stdio: 'pipe' });
    generated = readFileSync(out, 'utf8');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is identical to what the generator writes from the current build (run `npm run notices`)', () => {
    expect(generated).toBe(readFileSync('THIRD_PARTY_NOTICES', 'utf8'));
  });

  it('flags the copyleft licences at the top', () => {
    const top = generated.slice(0, generated.indexOf('PACKAGES ('));
    expect(top).toMatch(/GPL-3\.0-or-later: @echogarden\/espeak-ng-emscripten/);
    expect(top).toMatch(/LGPL-2\.0-or-later: libmp3lame \(LAME, the MP3 encoder/);
    expect(top).toMatch(/LGPL-2\.1: libmpg123/);
  });

  it.each([
    ['@echogarden/espeak-ng-emscripten', /^GPL-3\.0/],
    ['wasm-media-encoders', /^MIT$/],
    ['kuromoji', /^Apache-2\.0$/],
    ['koa', /^MIT$/],
    ['better-sqlite3', /^MIT$/],
    ['piscina', /^MIT$/],
    ['mpg123-decoder', /^MIT$/],
    ['prom-client', /^Apache-2\.0$/],
    ['SQLite', /^blessing$/],
  ])('lists %s with its licence', (name, license) => {
    const escaped = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    const entry = new RegExp(`^${escaped}@\\S+\\n\\nLicense: (.+)$`, 'm').exec(generated);
    expect(entry, name).not.toBeNull();
    expect(entry?.[1]).toMatch(license);
  });

  it('contains no devDependency', () => {
    for (const dev of ['vitest', 'typescript', 'eslint', 'esbuild', 'prettier', 'tsx']) {
      expect(generated).not.toMatch(new RegExp(`^${dev}@`, 'm'));
      expect(generated).not.toMatch(new RegExp(`^  ${dev}@`, 'm'));
    }
  });
});
