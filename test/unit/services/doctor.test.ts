import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDatabase } from '../../../src/services/doctor/database.js';
import { checkDataDir } from '../../../src/services/doctor/data-dir.js';
import { checkDisk } from '../../../src/services/doctor/disk.js';
import { checkEngines } from '../../../src/services/doctor/engine.js';
import { doctorPassed, formatDoctor } from '../../../src/services/doctor/index.js';
import { closeDatabase, openDatabase } from '../../../src/store/db.js';
import type { Migration } from '../../../src/store/migrations/index.js';

const GiB = 1024 ** 3;
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vr-doctor-unit-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const one: Migration = { id: '2000-01-01-a', sql: 'CREATE TABLE a (x INTEGER)' };
const two: Migration = { id: '2000-01-02-b', sql: 'CREATE TABLE b (x INTEGER)' };

describe('doctor checks', () => {
  it('disk: fails below 1 GiB, warns below 5 GiB', () => {
    const dir = tempDir();
    const fs = (free: number) => () => ({ bavail: free / 4096, bsize: 4096 });
    expect(checkDisk(dir, undefined, fs(0.5 * GiB)).status).toBe('fail');
    expect(checkDisk(dir, undefined, fs(2 * GiB)).status).toBe('warn');
    expect(checkDisk(dir, undefined, fs(10 * GiB)).status).toBe('ok');
  });

  it('database: pending migrations warn, unknown ones fail', () => {
    const dir = tempDir();
    closeDatabase(openDatabase(join(dir, 'voicereel.db'), undefined, { migrations: [one] }));
    expect(checkDatabase(dir, undefined, [one]).status).toBe('ok');
    const pending = checkDatabase(dir, undefined, [one, two]);
    expect(pending).toMatchObject({
      status: 'warn',
      hint: 'they will be applied, with a backup, at next start',
    });
    expect(pending.message).toContain(two.id);
    const newer = checkDatabase(dir, undefined, []);
    expect(newer.status).toBe('fail');
    expect(newer.message).toContain(one.id);
  });

  it('data dir: a file in its place fails; a missing dir under a writable parent is fine', () => {
    const dir = tempDir();
    expect(checkDataDir(join(dir, 'not-yet')).status).toBe('ok');
    const file = join(dir, 'voicereel.db');
    closeDatabase(openDatabase(file, undefined, { migrations: [] }));
    expect(checkDataDir(file).status).toBe('fail');
  });

  it('engines: names each missing file', () => {
    const dir = tempDir();
    const res = checkEngines({
      appDir: dir,
      engineWorker: join(dir, 'engine-worker.cjs'),
      espeakData: join(dir, 'espeak-ng.data'),
      kuromojiDict: join(dir, 'dict'),
      consoleDir: join(dir, 'console'),
      sqliteAddon: undefined,
      onnxRuntime: join(dir, 'onnxruntime-node'),
      sileroVad: join(dir, 'silero_vad.onnx'),
    });
    expect(res.status).toBe('fail');
    expect(res.message).toContain('onnxruntime-node');
    expect(res.message).toContain('silero_vad.onnx');
    expect(res.message).toContain('engine-worker.cjs');
    expect(res.message).toContain('espeak-ng.data');
    expect(res.message).toContain('dict');
    expect(res.message).toContain(join('console', 'index.html'));
  });

  it('warnings alone pass; the text marks each check', () => {
    const results = [
      { id: 'a', name: 'a', status: 'ok' as const, message: 'fine' },
      { id: 'b', name: 'b', status: 'warn' as const, message: 'hmm', hint: 'do this' },
    ];
    expect(doctorPassed(results)).toBe(true);
    expect(formatDoctor(results)).toBe('✓ a: fine\n! b: hmm\n    → do this\n\nok, with 1 warning(s)\n');
    expect(doctorPassed([...results, { id: 'c', name: 'c', status: 'fail', message: 'no' }])).toBe(false);
  });
});
