import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { kokoroTestGraph, piperTestConfig, piperTestGraph } from '../helpers/onnx.js';
import { writePack, writePiperPack } from '../helpers/packs.js';
import { removeDir } from '../helpers/server.js';

/** `voicereel models install|list|verify` from the real bundle (README "Model packs", docs/models.md). */

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'vr-models-cli-'));
  dirs.push(d);
  return d;
}

describe('voicereel models', () => {
  it('scripts/make-model-pack.mjs builds a pack from a Piper voice that the CLI installs', async () => {
    const t = temp();
    const sidecar = join(t, 'test-voice.onnx.json');
    writeFileSync(sidecar, JSON.stringify(piperTestConfig(22050, 4)));
    const graph = join(t, 'test-voice.onnx');
    copyFileSync(piperTestGraph(22050, 4), graph);
    const made = execFileSync(
      process.execPath,
      [
        'scripts/make-model-pack.mjs',
        'piper',
        graph,
        sidecar,
        '--out',
        join(t, 'test-voice'),
        '--license',
        'MIT',
        '--tar',
      ],
      { encoding: 'utf8' },
    );
    expect(made.trim()).toBe(join(t, 'test-voice'));
    const data = join(t, 'data');
    const install = await cli(['models', 'install', join(t, 'test-voice.tar.gz'), '--data-dir', data]);
    expect(install.code, install.stderr).toBe(0);
    const list = JSON.parse((await cli(['models', 'verify', '--json', '--data-dir', data])).stdout) as {
      items: Array<Record<string, unknown>>;
    };
    expect(list.items).toEqual([
      expect.objectContaining({
        name: 'test-voice',
        family: 'piper',
        languages: ['en'],
        sample_rate: 22050,
        license: 'MIT',
        ok: true,
        voices: ['s0', 's1', 's2', 's3'],
      }),
    ]);
  });

  it('installs from a .tar.gz, lists, verifies, and catches a file changed after install', async () => {
    const t = temp();
    const data = join(t, 'data');
    writePiperPack(join(t, 'en_US-test-medium'), { name: 'en_US-test-medium' });
    execFileSync('tar', ['-C', t, '-czf', join(t, 'pack.tar.gz'), 'en_US-test-medium']);

    expect((await cli(['models', 'list', '--data-dir', data])).stdout).toContain('no model packs in');
    const install = await cli(['models', 'install', join(t, 'pack.tar.gz'), '--data-dir', data]);
    expect(install.code, install.stderr).toBe(0);
    expect(install.stdout).toContain('installed en_US-test-medium-1.0.0 (piper, 1 voice(s))');

    const list = await cli(['models', 'list', '--json', '--data-dir', data]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({
      models_dir: join(data, 'models'),
      items: [
        { name: 'en_US-test-medium', version: '1.0.0', family: 'piper', ok: true, voices: ['default'] },
      ],
    });
    expect((await cli(['models', 'verify', '--data-dir', data])).code).toBe(0);

    appendFileSync(join(data, 'models', 'en_US-test-medium-1.0.0', 'voice.onnx'), 'bit rot');
    const verify = await cli(['models', 'verify', '--data-dir', data]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(
      /en_US-test-medium-1\.0\.0 .* FAILED\n {4}- voice\.onnx: sha256 [0-9a-f]{64} does not match/,
    );
  });

  it('refuses a tampered pack naming the file, and installs nothing', async () => {
    const t = temp();
    const data = join(t, 'data');
    const src = writePiperPack(join(t, 'src'), { name: 'test-voice' });
    appendFileSync(join(src, 'voice.onnx.json'), ' ');
    const r = await cli(['models', 'install', src, '--data-dir', data]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /voicereel: model pack test-voice-1\.0\.0 refused:\n {2}- voice\.onnx\.json: sha256/,
    );
    expect(readdirSync(join(data, 'models'))).toEqual([]);
  });

  it('refuses a missing file and a wrong family with messages that name them', async () => {
    const t = temp();
    const data = join(t, 'data');
    const missing = writePack(join(t, 'missing'));
    removeDir(join(missing, 'voice.onnx'));
    const r1 = await cli(['models', 'install', missing, '--data-dir', data]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain('- voice.onnx: missing');

    const wrong = writePack(join(t, 'wrong'), { family: 'fish-speech' });
    const r2 = await cli(['models', 'install', wrong, '--data-dir', data]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('family "fish-speech" is not supported (supported: piper, kokoro)');

    const r3 = await cli(['models', 'install', join(t, 'nowhere'), '--data-dir', data]);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toContain('no such file or directory');
    expect(existsSync(join(data, 'models')) ? readdirSync(join(data, 'models')) : []).toEqual([]);
  });

  it('refuses a pack whose checksums match but whose model is not what its family needs', async () => {
    const t = temp();
    const data = join(t, 'data');
    // A Kokoro graph and vocabulary labelled as a Piper voice.
    const src = writePack(join(t, 'mislabelled'), {
      name: 'mislabelled',
      files: [
        { path: 'voice.onnx', role: 'model', data: readFileSync(kokoroTestGraph('input_ids', true)) },
        { path: 'voice.onnx.json', role: 'config', data: JSON.stringify(piperTestConfig(22050, 1)) },
      ],
    });
    const r = await cli(['models', 'install', src, '--data-dir', data]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'model pack mislabelled-1.0.0 refused: it does not load as a piper model (voice.onnx: not a Piper voice (no input "input"',
    );
    expect(readdirSync(join(data, 'models'))).toEqual([]);
  });

  it('refuses a .tar.gz beyond [engine] pack_max_unpacked_mb, leaving nothing in models_dir', async () => {
    const t = temp();
    const data = join(t, 'data');
    const src = writePiperPack(join(t, 'big'), { name: 'big-voice' });
    writeFileSync(join(src, 'padding.bin'), Buffer.alloc(8 * 2 ** 20));
    execFileSync('tar', ['-C', t, '-czf', join(t, 'big.tar.gz'), 'big']);
    const config = join(t, 'voicereel.toml');
    writeFileSync(config, '[engine]\npack_max_unpacked_mb = 1\n');
    const r = await cli(['models', 'install', join(t, 'big.tar.gz'), '--config', config, '--data-dir', data]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'voicereel: big.tar.gz: refused, it unpacks to more than 1 MB (limits: 1 MB, 1000 entries; [engine] pack_max_unpacked_mb and pack_max_files)',
    );
    expect(readdirSync(join(data, 'models'))).toEqual([]);
    // The default limit lets the same archive in.
    const ok = await cli(['models', 'install', join(t, 'big.tar.gz'), '--data-dir', data]);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('refuses a pack folder whose file is reached through a symbolic link, copying nothing', async () => {
    const t = temp();
    const data = join(t, 'data');
    const host = join(t, 'host');
    const src = writePack(join(t, 'src'), {
      files: [
        { path: 'models/voice.onnx', role: 'model', data: 'a host file' },
        { path: 'voice.onnx.json', role: 'config', data: '{}' },
      ],
    });
    renameSync(join(src, 'models'), host);
    symlinkSync(host, join(src, 'models'));
    const r = await cli(['models', 'install', src, '--data-dir', data]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      '- models/voice.onnx: goes through the symbolic link models; packs hold regular files and folders only',
    );
    expect(readdirSync(join(data, 'models'))).toEqual([]);
  });
});
