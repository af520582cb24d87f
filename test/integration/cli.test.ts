import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Api } from '../helpers/api.js';
import { cleanEnv, cli } from '../helpers/cli.js';
import { BUNDLE, removeDir, waitReady } from '../helpers/server.js';

/**
 * The command line (README "Command line", SPEC Operations): `node build/voicereel.cjs` run directly,
 * as the installed executable would be. Key commands share the data dir with a running server.
 */

const VERSION = (JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { version: string }).version;
const dirs: string[] = [];
const servers: ChildProcess[] = [];

/** The parent's environment without VR_* so neither the CLI nor the server sees a bootstrap key. */
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

interface Served {
  url: string;
  proc: ChildProcess;
  stdout: () => string;
  stop(): Promise<void>;
}

/** `serve` with no config file and no VR_API_KEY, stdout and stderr kept apart. */
async function serve(dataDir: string): Promise<Served> {
  const proc = spawn(
    process.execPath,
    [BUNDLE, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir],
    { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  servers.push(proc);
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  proc.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${out}\n${err}`)), 60_000);
    const check = () => {
      const line = out.split('\n').find((l) => l.includes('voicereel listening'));
      if (!line) return;
      clearTimeout(timer);
      proc.stdout.off('data', check);
      ok((JSON.parse(line) as { url: string }).url);
    };
    proc.stdout.on('data', check);
    void exited.then(() => fail(new Error(`server exited with ${proc.exitCode}:\n${out}\n${err}`)));
  });
  await waitReady(url);
  return {
    url,
    proc,
    stdout: () => out,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

const PRINTED_KEY = /admin API key[^\n]*?:\s*(vr_[A-Za-z0-9_-]+)/;

afterAll(async () => {
  for (const p of servers) {
    if (p.exitCode === null && p.signalCode === null) {
      p.kill('SIGKILL');
      await new Promise((r) => p.once('exit', r));
    }
  }
  for (const d of dirs) removeDir(d);
});

describe('voicereel command line', () => {
  it('prints the package version', async () => {
    const res = await cli(['--version']);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe(VERSION);
  });

  it('creates, lists and revokes keys offline; an unknown id exits non-zero', async () => {
    const dataDir = tempDir('vr-cli-keys-');
    const created = await cli(['keys', 'create', '--name', 'x', '--project', 'p1', '--data-dir', dataDir]);
    expect(created.code, created.stderr).toBe(0);
    const key = JSON.parse(created.stdout) as { id: string; key: string; project: string; admin: boolean };
    expect(key.id).toMatch(/^key_/);
    expect(key.key).toMatch(/^vr_/);
    expect(key).toMatchObject({ project: 'p1', admin: false });

    const listed = await cli(['keys', 'list', '--data-dir', dataDir]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).not.toContain(key.key);
    const items = (JSON.parse(listed.stdout) as { items: Array<Record<string, unknown>> }).items;
    expect(items).toEqual([
      expect.objectContaining({ id: key.id, name: 'x', project: 'p1', revoked: false }),
    ]);
    expect(items[0]).not.toHaveProperty('key');
    // Nor is it stored in clear anywhere in the data dir's database.
    expect(readFileSync(join(dataDir, 'voicereel.db')).includes(Buffer.from(key.key))).toBe(false);

    const revoked = await cli(['keys', 'revoke', key.id, '--data-dir', dataDir]);
    expect(revoked.code, revoked.stderr).toBe(0);
    const after = JSON.parse((await cli(['keys', 'list', '--data-dir', dataDir])).stdout) as {
      items: Array<{ id: string; revoked: boolean }>;
    };
    expect(after.items).toEqual([expect.objectContaining({ id: key.id, revoked: true })]);

    const unknown = await cli(['keys', 'revoke', 'key_AAAAAAAAAAAAAAAA', '--data-dir', dataDir]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('key_AAAAAAAAAAAAAAAA');
  });

  it('refuses a config with an unknown key or a bad value, exiting 78 and naming the key', async () => {
    const dir = tempDir('vr-cli-config-');
    const notCreated = join(dir, 'data');
    const cases: Array<[string, string]> = [
      ['[server]\nprot = 8081\n', 'server.prot'],
      ['[limits]\nqueue_max_depth = 0\n', 'limits.queue_max_depth'],
    ];
    for (const [toml, name] of cases) {
      const file = join(dir, 'bad.toml');
      writeFileSync(file, toml);
      const res = await cli(['serve', '--config', file, '--data-dir', notCreated, '--port', '0']);
      expect(res.code, res.stderr).toBe(78);
      expect(res.stderr).toContain(name);
    }
    // Nothing started half-configured: not even the data dir was created.
    expect(existsSync(notCreated)).toBe(false);
  });

  it('prints a bootstrap admin key once, and CLI keys work (and stop working) against a running server', async () => {
    const dataDir = tempDir('vr-cli-serve-');
    const first = await serve(dataDir);
    const printed = [...first.stdout().matchAll(new RegExp(PRINTED_KEY, 'g'))].map((m) => m[1] as string);
    expect(printed).toHaveLength(1);
    const bootstrap = new Api(first.url, printed[0] as string);
    expect((await bootstrap.json('GET', '/v1/keys')).status).toBe(200);

    // A key made by the CLI while the server holds the database open (WAL) works at once...
    const created = await cli(['keys', 'create', '--name', 'cli', '--project', 'p1', '--data-dir', dataDir]);
    expect(created.code, created.stderr).toBe(0);
    const key = JSON.parse(created.stdout) as { id: string; key: string };
    const client = new Api(first.url, key.key);
    expect((await client.client.listSpeakers()).total).toBe(0);
    expect(client.lastStatus).toBe(200);
    expect((await client.json('GET', '/v1/keys')).status).toBe(403);
    const seen = await bootstrap.client.listKeys();
    expect(seen.items).toContainEqual(expect.objectContaining({ id: key.id, project: 'p1' }));

    // ...and a CLI revoke takes effect on the next request, the server running on.
    const revoked = await cli(['keys', 'revoke', key.id, '--data-dir', dataDir]);
    expect(revoked.code, revoked.stderr).toBe(0);
    const refused = await client.json<{ error: { code: string } }>('GET', '/v1/speakers');
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('UNAUTHORIZED');
    expect(first.proc.exitCode).toBeNull();
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    expect((await bootstrap.json('GET', '/v1/speakers')).status).toBe(200);

    await first.stop();
    expect(first.proc.exitCode).toBe(0);

    // A second start on the same data dir prints no new key; the first one still works.
    const second = await serve(dataDir);
    expect(second.stdout()).not.toMatch(PRINTED_KEY);
    expect(second.stdout()).not.toContain(printed[0]);
    const again = new Api(second.url, printed[0] as string);
    const keys = await again.client.listKeys();
    expect(again.lastStatus).toBe(200);
    expect(keys.items.filter((k) => k.admin && !k.revoked)).toHaveLength(1);
    await second.stop();
  });
});
