import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** `voicereel/client` as another program imports it: the built ESM file and its declarations. */
describe('voicereel/client package entry', () => {
  it('resolves through the exports map to an ESM module with types', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { VoiceReelClient, VoiceReelError } from 'voicereel/client';" +
          "const c = new VoiceReelClient({ url: 'http://127.0.0.1:1', apiKey: 'k' });" +
          "console.log(typeof c.waitForJob, new VoiceReelError(404, 'NOT_FOUND', 'x').code);",
      ],
      { encoding: 'utf8' },
    );
    expect(out.trim()).toBe('function NOT_FOUND');
    expect(existsSync('dist/client/index.d.ts')).toBe(true);
    expect(readFileSync('dist/client/index.d.ts', 'utf8')).toContain('VoiceReelClient');
  });

  it('needs nothing but Node built-ins at run time', () => {
    const code = readFileSync('dist/client/index.js', 'utf8');
    const imports = [...code.matchAll(/\bfrom\s+["']([^"']+)["']/g)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((s) => !s!.startsWith('node:'))).toEqual([]);
    expect(code).not.toMatch(/\brequire\(/);
  });
});
