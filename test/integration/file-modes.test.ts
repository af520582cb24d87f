import { execFile } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../helpers/api.js';
import { cleanEnv } from '../helpers/cli.js';
import { librivoxReference } from '../helpers/fixtures.js';
import { BUNDLE, removeDir, startServer, type TestServer } from '../helpers/server.js';

/**
 * Data files are private whatever the umask (issue 9, finding 8): the real server and CLI run under
 * `umask 022`, as a hand-run `voicereel serve` usually is, and nothing they write under the data dir
 * may be readable by group or others (files 0600, folders 0700).
 */

const root = mkdtempSync(join(tmpdir(), 'vr-modes-'));
const dataDir = join(root, 'data'); // created by the server itself
const configFile = join(root, 'voicereel.toml');
writeFileSync(configFile, '[engine]\nworkers = 1\n');
/** `voicereel …` started from a shell that sets a loose umask first. */
const LOOSE: [string, ...string[]] = [
  '/bin/sh',
  '-c',
  `umask 022; exec "$0" "$@" --config ${configFile}`,
  process.execPath,
  BUNDLE,
];
let server: TestServer | undefined;

beforeAll(async () => {
  server = await startServer({ dataDir, command: LOOSE });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  removeDir(root);
});

/** Every path under `dir` (the dir too) with its permission bits. */
function modes(dir: string): Array<{ path: string; dir: boolean; mode: number }> {
  const st = lstatSync(dir);
  const here = { path: relative(dataDir, dir) || '.', dir: st.isDirectory(), mode: st.mode & 0o777 };
  if (!st.isDirectory()) return [here];
  return [here, ...readdirSync(dir).flatMap((name) => modes(join(dir, name)))];
}

const octal = (m: number) => `0${m.toString(8)}`;

describe('file modes under umask 022', () => {
  it('keeps the database, WAL, secret, audio, captions, reports and backups private', async () => {
    const api = new Api(server!.url, server!.adminKey);
    const { file, script } = librivoxReference();
    const { speakerId } = await api.readySpeaker({ name: 'Narrator', lang: 'en', script, file });
    const synth = await api.client.synthesize({
      script: [{ speaker_id: speakerId, text: 'Files stay private.' }],
      output_format: 'mp3',
      caption_format: 'vtt',
    });
    expect(api.lastStatus).toBe(202);
    expect((await api.client.waitForJob(synth.job_id)).status).toBe('succeeded');
    // The CLI beside the running server, under the same loose umask.
    const [shell, ...shellArgs] = LOOSE;
    const backup = await promisify(execFile)(shell, [...shellArgs, 'db', 'backup', '--data-dir', dataDir], {
      env: cleanEnv(),
    });
    expect(backup.stdout).toContain(join(dataDir, 'backups'));

    const all = modes(dataDir);
    const names = all.map((e) => e.path);
    for (const expected of ['voicereel.db', 'voicereel.db-wal', 'voicereel.db-shm', 'master.key', 'tmp']) {
      expect(names).toContain(expected);
    }
    expect(names.some((p) => p.startsWith('references/'))).toBe(true);
    expect(names.some((p) => /^jobs\/job_[^/]+\/audio\.mp3$/.test(p))).toBe(true);
    expect(names.some((p) => /^jobs\/job_[^/]+\/captions\.vtt$/.test(p))).toBe(true);
    expect(names.some((p) => /^backups\/voicereel-.*\.db$/.test(p))).toBe(true);
    expect(names.some((p) => /^reports\/usage-.*\.json$/.test(p))).toBe(true);
    const open = all.filter((e) => e.mode & 0o077).map((e) => `${e.path} ${octal(e.mode)}`);
    expect(open).toEqual([]);
    expect(all.filter((e) => e.dir).every((e) => e.mode === 0o700)).toBe(true);
    expect(all.filter((e) => !e.dir).every((e) => e.mode === 0o600)).toBe(true);
  }, 180_000);

  it('closes folders an earlier version left open, and the database files, at the next start', async () => {
    await server?.stop();
    chmodSync(join(dataDir, 'references'), 0o755);
    chmodSync(join(dataDir, 'voicereel.db'), 0o644);
    server = await startServer({ dataDir, command: LOOSE, adminKey: server!.adminKey });
    expect(statSync(join(dataDir, 'references')).mode & 0o777).toBe(0o700);
    for (const f of ['voicereel.db', 'voicereel.db-wal', 'voicereel.db-shm']) {
      expect(statSync(join(dataDir, f)).mode & 0o777, f).toBe(0o600);
    }
  }, 120_000);
});
