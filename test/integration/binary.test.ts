import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VoiceReelClient } from '../../src/client/index.js';
import { Api } from '../helpers/api.js';
import { espeakReference, ffprobe } from '../helpers/fixtures.js';
import { RELEASE_NAME as NAME, releaseDir } from '../helpers/release.js';
import { removeDir, startServer, type TestServer } from '../helpers/server.js';

/**
 * The release tarball (`npm run build:binary`, README "Install"): built from build/, unpacked into an
 * empty directory with no node_modules anywhere above it and no `node` on PATH, then run as a
 * sysadmin would: `voicereel serve`, register a voice, synthesize, fetch the audio.
 */

const VERSION = (JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { version: string }).version;
const dirs: string[] = [];
const servers: TestServer[] = [];
let out = '';
let root = '';
let exe = '';
let emptyPath = '';
let home = '';

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** An environment with nothing of this machine's Node in it. */
function bareEnv(): NodeJS.ProcessEnv {
  return { PATH: emptyPath, HOME: home, LANG: 'C.UTF-8' };
}

function run(args: string[]) {
  const r = spawnSync(exe, args, { env: bareEnv(), cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  out = await releaseDir();
  root = tempDir('vr-unpacked-');
  execFileSync('tar', ['-C', root, '-xzf', join(out, `${NAME}.tar.gz`)]);
  exe = join(root, NAME, 'voicereel');
  emptyPath = join(root, 'empty-bin');
  mkdirSync(emptyPath);
  home = join(root, 'home');
  mkdirSync(home);
}, 240_000);

afterAll(async () => {
  for (const s of servers) await s.kill();
  for (const d of dirs) removeDir(d);
});

describe('release tarball', () => {
  it('holds the executable and what it reads from disk, and nothing from the build machine', () => {
    const entries = execFileSync('tar', ['-tzf', join(out, `${NAME}.tar.gz`)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((e) => e.replace(`${NAME}/`, ''));
    for (const f of [
      'voicereel',
      'install.sh',
      'assets/espeak-ng.data',
      'assets/kuromoji-dict/base.dat.gz',
      'native/better_sqlite3.node',
      'native/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
      'native/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1',
      'assets/silero_vad.onnx',
      'assets/console/index.html',
      'assets/console/app.js',
      'assets/console/app.css',
      'systemd/voicereel.service',
      'systemd/voicereel.sysusers.conf',
      'voicereel.example.toml',
      'LICENSE',
      'THIRD_PARTY_NOTICES',
      'licenses/node-LICENSE',
    ])
      expect(entries).toContain(f);
    // Only onnxruntime-node's own dependency sits in a node_modules, inside its package directory.
    expect(
      entries.filter(
        (e) =>
          /meta\.json$|\.map$|\.cjs$|\.ts$/.test(e) ||
          (e.includes('node_modules') &&
            !/^native\/onnxruntime-node\/node_modules\/(onnxruntime-common\/.*)?$/.test(e)),
      ),
    ).toEqual([]);
    const sum = readFileSync(join(out, `${NAME}.tar.gz.sha256`), 'utf8');
    const actual = execFileSync('sha256sum', [join(out, `${NAME}.tar.gz`)], { encoding: 'utf8' }).split(
      ' ',
    )[0];
    expect(sum).toBe(`${actual}  ${NAME}.tar.gz\n`);
    expect(statSync(exe).mode & 0o111).not.toBe(0);
  });

  it('runs with no node on PATH and no node_modules above it', () => {
    expect(spawnSync('sh', ['-c', 'command -v node'], { env: bareEnv() }).status).not.toBe(0);
    for (let d = root; d !== dirname(d); d = dirname(d))
      expect(existsSync(join(d, 'node_modules'))).toBe(false);
    const version = run(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
    const help = run(['--help']);
    expect(help.stdout).toContain('voicereel serve');
  });

  it('serves, registers a voice and synthesizes audio that ffprobe reads', async () => {
    const dataDir = join(root, 'data');
    const server = await startServer({
      command: [exe],
      baseEnv: bareEnv(),
      cwd: root,
      dataDir,
    });
    servers.push(server);
    const api = new Api(server.url, server.adminKey);
    // The console comes from the files beside the executable.
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/console/app.js');
    expect((await fetch(`${server.url}/console/app.js`)).status).toBe(200);
    const ref = espeakReference(
      'binary-ref',
      'en-us',
      'The quick brown fox jumps over the lazy dog near the river bank.',
      8,
    );
    const { speakerId } = await api.readySpeaker({ name: 'Binary', lang: 'en', ...ref });

    const syn = await api.client.synthesize({
      script: [{ speaker_id: speakerId, text: 'Installed from one tarball, speaking at once.' }],
      output_format: 'mp3',
      sample_rate: 24000,
    });
    expect(api.lastStatus).toBe(202);
    const job = await api.client.waitForJob(syn.job_id);
    expect(job.status).toBe('succeeded');
    const file = join(root, 'out.mp3');
    await api.client.downloadToFile(VoiceReelClient.synthesisResult(job).audio_url ?? '', file);
    expect(api.lastStatus).toBe(200);
    const probe = ffprobe(file);
    expect(probe).toMatchObject({ codec: 'mp3', sampleRate: 24000, channels: 1 });
    expect(probe.duration).toBeGreaterThan(1.5);
    expect(probe.duration).toBeLessThan(8);

    // The embedded bundles were laid out once in the user's cache directory, named by version and digest.
    const cache = join(home, '.cache', 'voicereel');
    const runtimes = readdirSync(cache).filter((d) => !d.startsWith('.'));
    expect(runtimes).toHaveLength(1);
    expect(runtimes[0]).toMatch(new RegExp(`^${VERSION.replace(/\./g, '\\.')}-[0-9a-f]{16}$`));
    expect(readdirSync(join(cache, runtimes[0]!)).sort()).toEqual([
      'engine-worker.cjs',
      'package.json',
      'voicereel.cjs',
      'worker.js',
    ]);
    await server.stop();
    expect(server.proc.exitCode).toBe(0);
  }, 180_000);

  it('admin commands work from the executable: doctor and db backup', () => {
    const dataDir = join(root, 'data');
    const doctor = run(['doctor', '--data-dir', dataDir]);
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
    // onnxruntime's addon and library load from native/ beside the executable and run a real model.
    expect(doctor.stdout).toMatch(
      /✓ onnxruntime: onnxruntime \S+ \(cpu\) loaded from .*native\/onnxruntime-node; Silero VAD runs/,
    );
    const backup = run(['db', 'backup', '--data-dir', dataDir]);
    expect(backup.code, backup.stderr).toBe(0);
    expect(existsSync(backup.stdout.trim())).toBe(true);
  });
});
