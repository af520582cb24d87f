import { createHash } from 'node:crypto';
import {
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ensureRuntime,
  manifestDigest,
  runtimeBaseDir,
  type RuntimeManifest,
} from '../../../src/runtime/extract.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function base(): string {
  const d = mkdtempSync(join(tmpdir(), 'vr-extract-'));
  dirs.push(d);
  return join(d, 'cache');
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function embedded(contents: Record<string, string>, version = '1.2.3') {
  const files = Object.fromEntries(Object.entries(contents).map(([k, v]) => [k, sha(v)]));
  const manifest: RuntimeManifest = { version, files, digest: manifestDigest(files) };
  const reads: string[] = [];
  const read = (name: string) => {
    reads.push(name);
    return Buffer.from(contents[name] ?? '');
  };
  return { manifest, read, reads };
}

describe('ensureRuntime', () => {
  it('lays the files out in a directory named by version and digest, read-only, and reuses it', () => {
    const b = base();
    const e = embedded({ 'a.cjs': 'module.exports = 1;', 'worker.js': 'w' });
    const dir = ensureRuntime(b, e.manifest, e.read);
    expect(dir).toBe(join(b, `1.2.3-${e.manifest.digest.slice(0, 16)}`));
    expect(readFileSync(join(dir, 'a.cjs'), 'utf8')).toBe('module.exports = 1;');
    expect(statSync(join(dir, 'a.cjs')).mode & 0o222).toBe(0);
    expect(statSync(b).mode & 0o077).toBe(0);
    expect(e.reads).toHaveLength(2);
    expect(ensureRuntime(b, e.manifest, e.read)).toBe(dir);
    expect(e.reads).toHaveLength(2); // second start: nothing rewritten
    expect(readdirSync(b)).toEqual([dir.slice(b.length + 1)]); // no temporary directory left
  });

  it('a new build gets its own directory beside the old one', () => {
    const b = base();
    const one = ensureRuntime(b, embedded({ 'a.cjs': 'v1' }).manifest, embedded({ 'a.cjs': 'v1' }).read);
    const two = embedded({ 'a.cjs': 'v2' }, '1.2.4');
    const dir = ensureRuntime(b, two.manifest, two.read);
    expect(dir).not.toBe(one);
    expect(readFileSync(join(dir, 'a.cjs'), 'utf8')).toBe('v2');
    expect(readFileSync(join(one, 'a.cjs'), 'utf8')).toBe('v1');
  });

  it('repairs a damaged or incomplete directory', () => {
    const b = base();
    const e = embedded({ 'a.cjs': 'good', 'b.cjs': 'also good' });
    const dir = ensureRuntime(b, e.manifest, e.read);
    rmSync(join(dir, 'b.cjs'), { force: true });
    rmSync(join(dir, 'a.cjs'), { force: true });
    writeFileSync(join(dir, 'a.cjs'), 'tampered');
    expect(ensureRuntime(b, e.manifest, e.read)).toBe(dir);
    expect(readFileSync(join(dir, 'a.cjs'), 'utf8')).toBe('good');
    expect(readFileSync(join(dir, 'b.cjs'), 'utf8')).toBe('also good');
  });

  it('refuses an executable whose embedded files do not match their checksums, leaving nothing behind', () => {
    const b = base();
    const e = embedded({ 'a.cjs': 'good' });
    expect(() => ensureRuntime(b, e.manifest, () => Buffer.from('bad'))).toThrow(
      'the executable is damaged: embedded a.cjs fails its checksum',
    );
    expect(readdirSync(b)).toEqual([]);
    const forged = { ...e.manifest, files: { 'a.cjs': sha('other') } };
    expect(() => ensureRuntime(b, forged, e.read)).toThrow('does not match its digest');
  });

  it.runIf(process.getuid?.() === 0)('refuses a base directory that belongs to another user', () => {
    const b = base();
    mkdirSync(b);
    chownSync(b, 65534, 65534);
    const e = embedded({ 'a.cjs': 'x' });
    expect(() => ensureRuntime(b, e.manifest, e.read)).toThrow(
      /not a directory owned by this user.*VR_RUNTIME_DIR/,
    );
  });
});

describe('runtimeBaseDir', () => {
  it('prefers VR_RUNTIME_DIR, then systemd CacheDirectory, then the user cache', () => {
    expect(runtimeBaseDir({ VR_RUNTIME_DIR: '/x', CACHE_DIRECTORY: '/var/cache/voicereel' })).toBe('/x');
    expect(runtimeBaseDir({ CACHE_DIRECTORY: '/var/cache/voicereel:/var/cache/other' })).toBe(
      '/var/cache/voicereel/runtime',
    );
    expect(runtimeBaseDir({ XDG_CACHE_HOME: '/home/u/.cache' })).toBe('/home/u/.cache/voicereel');
    expect(runtimeBaseDir({ HOME: '/home/u' })).toBe('/home/u/.cache/voicereel');
  });
});
