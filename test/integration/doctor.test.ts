import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { writePiperPack } from '../helpers/packs.js';
import { removeDir, startServer } from '../helpers/server.js';

/**
 * `voicereel doctor` (README "Command line"): run from the real bundle against a data dir a server
 * has used, then against copies of that state broken one way at a time.
 */

interface Check {
  id: string;
  name: string;
  status: 'ok' | 'warn' | 'fail' | 'skip';
  message: string;
  hint?: string;
}

const CHECK_IDS = [
  'config',
  'data_dir',
  'master_key',
  'disk',
  'database',
  'engines',
  'models',
  'onnxruntime',
  'devices',
];
const dirs: string[] = [];
let healthy: string;

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vr-doctor-'));
  dirs.push(dir);
  return dir;
}

async function doctorJson(args: string[]): Promise<{ code: number; ok: boolean; checks: Check[] }> {
  const res = await cli(['doctor', '--json', ...args]);
  const parsed = JSON.parse(res.stdout) as { ok: boolean; checks: Check[] };
  return { code: res.code, ...parsed };
}

const byId = (checks: Check[], id: string): Check => {
  const found = checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
};

beforeAll(async () => {
  healthy = tempDir();
  const server = await startServer({ dataDir: healthy });
  await server.stop();
});

afterAll(() => {
  for (const dir of dirs) removeDir(dir);
});

describe('voicereel doctor', () => {
  it('checks installed model packs and names the file a broken one lacks', async () => {
    const data = tempDir();
    const src = writePiperPack(join(tempDir(), 'pack'), { name: 'test-voice' });
    expect((await cli(['models', 'install', src, '--data-dir', data])).code).toBe(0);
    const good = await doctorJson(['--data-dir', data]);
    expect(byId(good.checks, 'models')).toMatchObject({ status: 'ok' });
    expect(byId(good.checks, 'models').message).toContain('test-voice-1.0.0 (piper)');
    rmSync(join(data, 'models', 'test-voice-1.0.0', 'voice.onnx.json'));
    const broken = await doctorJson(['--data-dir', data]);
    expect(broken.code).toBe(1);
    expect(byId(broken.checks, 'models')).toMatchObject({
      status: 'fail',
      message: 'test-voice-1.0.0: voice.onnx.json: missing',
    });
  });

  it('passes every check on a data dir a server has run in', async () => {
    const res = await cli(['doctor', '--data-dir', healthy]);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    const lines = res.stdout.split('\n').filter((l) => /^[✓✗!-] /.test(l));
    expect(lines).toHaveLength(CHECK_IDS.length);
    for (const line of lines) expect(line.startsWith('✓ '), line).toBe(true);
    expect(res.stdout).toContain('all checks passed');
    expect(res.stdout).toMatch(/database: .*voicereel\.db is intact and up to date/);
    expect(res.stdout).toMatch(/devices: cpu: \d+ worker\(s\) × \d+ onnxruntime thread\(s\)/);
  });

  it('--json prints one entry per check', async () => {
    const res = await doctorJson(['--data-dir', healthy]);
    expect(res.code).toBe(0);
    expect(res.ok).toBe(true);
    expect(res.checks.map((c) => c.id)).toEqual(CHECK_IDS);
    for (const c of res.checks) {
      expect(c.status).toBe('ok');
      expect(typeof c.message).toBe('string');
    }
  });

  it('fails on a database file that is not a database, naming the problem', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'voicereel.db'), 'this is not sqlite '.repeat(300));
    const res = await cli(['doctor', '--data-dir', dir]);
    expect(res.code).not.toBe(0);
    expect(res.stdout).toMatch(/✗ database: .*voicereel\.db.*file is not a database/);
    const json = await doctorJson(['--data-dir', dir]);
    expect(json.ok).toBe(false);
    expect(byId(json.checks, 'database').status).toBe('fail');
    expect(byId(json.checks, 'data_dir').status).toBe('ok');
  });

  it('fails on a config with an unknown key, naming the key, and still checks the rest', async () => {
    const dir = tempDir();
    const file = join(dir, 'voicereel.toml');
    writeFileSync(file, `[storage]\ndata_dir = "${healthy}"\n\n[engine]\nworkerz = 2\n`);
    const res = await cli(['doctor', '--config', file]);
    expect(res.code).not.toBe(0);
    expect(res.stdout).toMatch(/✗ configuration: .*unknown key "engine\.workerz"/);
    const json = await doctorJson(['--config', file]);
    expect(byId(json.checks, 'config').status).toBe('fail');
    // The data dir is still made out of the file, so the database is checked too.
    expect(byId(json.checks, 'database').status).toBe('ok');
    expect(byId(json.checks, 'database').message).toContain(healthy);
  });

  it('fails when master.key is readable by others, naming the file', async () => {
    const dir = tempDir();
    const key = join(dir, 'master.key');
    writeFileSync(key, `${'ab'.repeat(32)}\n`, { mode: 0o600 });
    chmodSync(key, 0o644);
    const res = await cli(['doctor', '--data-dir', dir]);
    expect(res.code).not.toBe(0);
    expect(res.stdout).toContain(`✗ master key: ${key} has mode 0644, not 0600`);
    expect(res.stdout).toContain(`chmod 600 ${key}`);
  });

  it('warns, without failing, on a data dir open to other users', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const json = await doctorJson(['--data-dir', dir]);
    expect(json.code).toBe(0);
    expect(byId(json.checks, 'data_dir')).toMatchObject({ status: 'warn', hint: `chmod o-rwx ${dir}` });
  });
});
