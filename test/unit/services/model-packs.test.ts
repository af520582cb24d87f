import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  installPack,
  listPacks,
  PackError,
  readManifest,
  verifyPack,
} from '../../../src/services/models/packs.js';
import { writePack } from '../../helpers/packs.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'vr-packs-'));
  dirs.push(d);
  return d;
}

describe('model pack manifests', () => {
  it('reads a valid piper pack', () => {
    const m = readManifest(writePack(join(temp(), 'p')));
    expect(m).toMatchObject({ family: 'piper', name: 'test-voice', version: '1.0.0', sample_rate: 22050 });
    expect(m.files.map((f) => f.role)).toEqual(['model', 'config']);
  });

  it('refuses an unknown family, naming it and the supported ones', () => {
    const dir = writePack(join(temp(), 'p'), { family: 'fish-speech' });
    expect(() => readManifest(dir)).toThrow(
      'family "fish-speech" is not supported (supported: piper, kokoro)',
    );
  });

  it('refuses a pack that lacks a file its family needs', () => {
    const dir = writePack(join(temp(), 'k'), {
      family: 'kokoro',
      files: [{ path: 'kokoro.onnx', role: 'model', data: 'x' }],
    });
    expect(() => readManifest(dir)).toThrow(
      'a kokoro pack needs exactly one file with role "config", found 0',
    );
  });

  it('refuses paths that leave the pack, and names the field', () => {
    const dir = writePack(join(temp(), 'p'));
    const m = JSON.parse(readFileSync(join(dir, 'voicereel-model.json'), 'utf8')) as {
      files: { path: string }[];
    };
    m.files[0]!.path = '../../etc/passwd';
    writeFileSync(join(dir, 'voicereel-model.json'), JSON.stringify(m));
    expect(() => readManifest(dir)).toThrow(/files\.0\.path: must be a relative path inside the pack/);
  });

  it('a directory without a manifest is not a pack', () => {
    expect(() => readManifest(temp())).toThrow(PackError);
  });
});

describe('verifyPack', () => {
  it('passes an intact pack and names every damaged or missing file', async () => {
    const dir = writePack(join(temp(), 'p'));
    expect(await verifyPack(dir)).toMatchObject({ ok: true, problems: [] });
    appendFileSync(join(dir, 'voice.onnx'), 'tampered');
    rmSync(join(dir, 'voice.onnx.json'));
    const s = await verifyPack(dir);
    expect(s.ok).toBe(false);
    expect(s.problems).toHaveLength(2);
    expect(s.problems[0]).toMatch(/^voice\.onnx: sha256 [0-9a-f]{64} does not match the manifest/);
    expect(s.problems[1]).toBe('voice.onnx.json: missing');
  });
});

describe('installPack', () => {
  it('installs a directory into <models_dir>/<name>-<version>; the same pack again changes nothing', async () => {
    const models = join(temp(), 'models');
    const src = writePack(join(temp(), 'src'));
    const r = await installPack(src, models);
    expect(r).toMatchObject({ dir: join(models, 'test-voice-1.0.0'), unchanged: false });
    expect(readdirSync(r.dir).sort()).toEqual(['voice.onnx', 'voice.onnx.json', 'voicereel-model.json']);
    expect((await installPack(src, models)).unchanged).toBe(true);
    expect(readdirSync(models)).toEqual(['test-voice-1.0.0']);
  });

  it('installs a .tar.gz whose one top directory holds the pack', async () => {
    const t = temp();
    writePack(join(t, 'my-pack'));
    execFileSync('tar', ['-C', t, '-czf', join(t, 'pack.tar.gz'), 'my-pack']);
    const models = join(t, 'models');
    const r = await installPack(join(t, 'pack.tar.gz'), models);
    expect((await verifyPack(r.dir)).ok).toBe(true);
    expect(readdirSync(models)).toEqual(['test-voice-1.0.0']); // no staging directory left
  });

  it('refuses a tampered pack, naming the file, and leaves models_dir as it was', async () => {
    const t = temp();
    const src = writePack(join(t, 'src'));
    writeFileSync(join(src, 'voice.onnx.json'), '{"tampered": true}');
    const models = join(t, 'models');
    await expect(installPack(src, models)).rejects.toThrow(
      /model pack test-voice-1\.0\.0 refused:\n {2}- voice\.onnx\.json: sha256 .* does not match/,
    );
    expect(readdirSync(models)).toEqual([]);
  });

  it('refuses a different pack under an installed name and version unless replace', async () => {
    const t = temp();
    const models = join(t, 'models');
    await installPack(writePack(join(t, 'a')), models);
    const b = writePack(join(t, 'b'), {
      files: [
        { path: 'voice.onnx', role: 'model', data: 'other weights' },
        { path: 'voice.onnx.json', role: 'config', data: '{}' },
      ],
    });
    await expect(installPack(b, models)).rejects.toThrow(
      'already installed with different files; use --replace',
    );
    const r = await installPack(b, models, { replace: true });
    expect(readFileSync(join(r.dir, 'voice.onnx'), 'utf8')).toBe('other weights');
  });

  it('refuses a .tar.gz whose entries climb out of it', async () => {
    const t = temp();
    writePack(join(t, 'evil'));
    // The archive is written outside the tree it reads; one entry is stored as "../<dir>/evil/voice.onnx".
    const out = temp();
    const entry = `../${t.split('/').pop()}/evil/voice.onnx`;
    execFileSync('tar', ['-C', t, '-czf', join(out, 'evil.tar.gz'), '--absolute-names', 'evil', entry]);
    expect(execFileSync('tar', ['-tzf', join(out, 'evil.tar.gz')], { encoding: 'utf8' })).toContain(entry);
    const models = join(t, 'models');
    await expect(installPack(join(out, 'evil.tar.gz'), models)).rejects.toThrow(/path contains '\.\.'/);
    expect(readdirSync(models)).toEqual([]);
  });

  it('refuses a listed file that is a symbolic link', async () => {
    const t = temp();
    const src = writePack(join(t, 'src'));
    rmSync(join(src, 'voice.onnx.json'));
    symlinkSync('/etc/hostname', join(src, 'voice.onnx.json'));
    await expect(installPack(src, join(t, 'models'))).rejects.toThrow(
      '- voice.onnx.json: a symbolic link; packs hold regular files only',
    );
  });

  it('refuses a listed file reached through a symbolic link to a folder outside, copying nothing', async () => {
    const t = temp();
    // A host folder holding a "secret"; the pack's folder "sub" is a link to it and the manifest
    // lists sub/voice.onnx with the secret's checksum.
    const host = join(t, 'host');
    mkdirSync(host);
    const src = writePack(join(t, 'src'), {
      files: [
        { path: 'sub/voice.onnx', role: 'model', data: 'host secret' },
        { path: 'voice.onnx.json', role: 'config', data: '{}' },
      ],
    });
    renameSync(join(src, 'sub', 'voice.onnx'), join(host, 'voice.onnx'));
    rmSync(join(src, 'sub'), { recursive: true });
    symlinkSync(host, join(src, 'sub'));
    const models = join(t, 'models');
    await expect(installPack(src, models)).rejects.toThrow(
      '- sub/voice.onnx: goes through the symbolic link sub; packs hold regular files and folders only',
    );
    expect(readdirSync(models)).toEqual([]);
    expect((await verifyPack(src)).ok).toBe(false);
  });

  it('refuses a manifest that is a symbolic link', async () => {
    const t = temp();
    const real = writePack(join(t, 'real'));
    const src = writePack(join(t, 'src'));
    rmSync(join(src, 'voicereel-model.json'));
    symlinkSync(join(real, 'voicereel-model.json'), join(src, 'voicereel-model.json'));
    await expect(installPack(src, join(t, 'models'))).rejects.toThrow(
      'voicereel-model.json: a symbolic link; packs hold regular files only',
    );
  });

  it('refuses a .tar.gz that unpacks beyond the byte limit, leaving nothing in models_dir', async () => {
    const t = temp();
    const src = writePack(join(t, 'bomb'));
    // 64 MB of zeros gzip to about 64 KB; the archive's headers tell the truth, the limit does not rely on it.
    writeFileSync(join(src, 'padding.bin'), Buffer.alloc(64 * 2 ** 20));
    execFileSync('tar', ['-C', t, '-czf', join(t, 'bomb.tar.gz'), 'bomb']);
    rmSync(src, { recursive: true });
    const models = join(t, 'models');
    await expect(
      installPack(join(t, 'bomb.tar.gz'), models, { limits: { maxBytes: 2 ** 20, maxEntries: 100 } }),
    ).rejects.toThrow(
      'bomb.tar.gz: refused, it unpacks to more than 1 MB (limits: 1 MB, 100 entries; [engine] pack_max_unpacked_mb and pack_max_files)',
    );
    expect(readdirSync(models)).toEqual([]);
  });

  it('refuses a .tar.gz with more entries than allowed', async () => {
    const t = temp();
    const src = writePack(join(t, 'many'));
    for (let i = 0; i < 40; i++) writeFileSync(join(src, `extra-${i}.txt`), `${i}`);
    execFileSync('tar', ['-C', t, '-czf', join(t, 'many.tar.gz'), 'many']);
    const models = join(t, 'models');
    await expect(
      installPack(join(t, 'many.tar.gz'), models, { limits: { maxBytes: 2 ** 20, maxEntries: 10 } }),
    ).rejects.toThrow('many.tar.gz: refused, it unpacks to more than 10 entries');
    expect(readdirSync(models)).toEqual([]);
    // Within the limits the same archive installs.
    const ok = await installPack(join(t, 'many.tar.gz'), models, {
      limits: { maxBytes: 2 ** 20, maxEntries: 50 },
    });
    expect((await verifyPack(ok.dir)).ok).toBe(true);
  });

  it('installs a plain .tar, and refuses compression nested inside the gzip (it would escape the count)', async () => {
    const t = temp();
    writePack(join(t, 'p'));
    execFileSync('tar', ['-C', t, '-cf', join(t, 'pack.tar'), 'p']);
    const models = join(t, 'models');
    const limits = { maxBytes: 2 ** 20, maxEntries: 100 };
    expect((await installPack(join(t, 'pack.tar'), models, { limits })).unchanged).toBe(false);

    execFileSync('sh', ['-c', `gzip -c ${join(t, 'pack.tar')} | gzip -c > ${join(t, 'twice.tar.gz')}`]);
    await expect(installPack(join(t, 'twice.tar.gz'), join(t, 'm2'), { limits })).rejects.toThrow(
      'twice.tar.gz: not a readable .tar.gz (no tar archive inside: a ustar header is expected, other compression is not accepted)',
    );
    expect(readdirSync(join(t, 'm2'))).toEqual([]);
  });

  it('installs files 0600 in folders 0700, whatever the source modes', async () => {
    const t = temp();
    const models = join(t, 'models');
    const r = await installPack(writePack(join(t, 'src')), models);
    expect(statSync(models).mode & 0o777).toBe(0o700);
    expect(statSync(r.dir).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(r.dir)) expect(statSync(join(r.dir, f)).mode & 0o777, f).toBe(0o600);
  });

  it('says what is wrong with a file that is not a tarball', async () => {
    const t = temp();
    writeFileSync(join(t, 'junk.tar.gz'), 'not gzip at all');
    await expect(installPack(join(t, 'junk.tar.gz'), join(t, 'models'))).rejects.toThrow(
      /junk\.tar\.gz: not a readable \.tar\.gz/,
    );
  });
});

describe('listPacks', () => {
  it('lists installed packs and reports a broken one without stopping', async () => {
    const t = temp();
    const models = join(t, 'models');
    const r = await installPack(writePack(join(t, 'a')), models);
    await installPack(writePack(join(t, 'b'), { name: 'second', version: '2.0' }), models);
    appendFileSync(join(r.dir, 'voice.onnx'), 'x');
    const quick = await listPacks(models, false);
    expect(quick.map((p) => [p.manifest?.name, p.ok])).toEqual([
      ['second', true],
      ['test-voice', true],
    ]);
    const full = await listPacks(models, true);
    expect(full.map((p) => [p.manifest?.name, p.ok])).toEqual([
      ['second', true],
      ['test-voice', false],
    ]);
    expect(full[1]!.problems[0]).toMatch(/^voice\.onnx: /);
  });
});
