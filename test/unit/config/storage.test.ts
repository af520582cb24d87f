import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/loader.js';
import { createObjectStore } from '../../../src/store/objects/open.js';

/** `[storage] backend` and `[storage.s3]`: defaults, and a bad setting stops start-up naming its key. */
const dir = mkdtempSync(join(tmpdir(), 'vr-storage-config-'));
const load = (toml: string) => {
  const p = join(dir, `c-${Math.random().toString(36).slice(2)}.toml`);
  writeFileSync(p, toml);
  return loadConfig(p, {});
};
const s3 = (lines: string) => `[storage]\nbackend = "s3"\n[storage.s3]\n${lines}\n`;

describe('storage configuration', () => {
  it('keeps files in the data dir by default, and streams downloads when on S3', () => {
    const c = loadConfig(undefined, {});
    expect(c.storage.backend).toBe('local');
    expect(c.storage.s3).toMatchObject({ bucket: '', region: 'us-east-1', force_path_style: true });
    expect(load(s3('bucket = "voicereel"')).storage.s3.downloads).toBe('proxy');
  });

  it('names each bad key', () => {
    expect(() => load(s3(''))).toThrow(ConfigError);
    expect(() => load(s3(''))).toThrow('"storage.s3.bucket": is required with backend = "s3"');
    expect(() => load(s3('bucket = "b!"'))).toThrow(/"storage\.s3\.bucket": not a bucket name/);
    expect(() => load(s3('bucket = "voicereel"\nendpoint = "minio:9000"'))).toThrow(
      /"storage\.s3\.endpoint": must be empty \(AWS S3\) or an http/,
    );
    expect(() => load(s3('bucket = "voicereel"\nprefix = "/abs"'))).toThrow(/"storage\.s3\.prefix"/);
    expect(() => load(s3('bucket = "voicereel"\nprefix = "a/../b"'))).toThrow(/"storage\.s3\.prefix"/);
    expect(() => load(s3('bucket = "voicereel"\naccess_key_id = "AKIA"'))).toThrow(
      '"storage.s3.secret_access_key_file": is required with access_key_id',
    );
    expect(() => load(s3('bucket = "voicereel"\ndownloads = "direct"'))).toThrow(/"storage\.s3\.downloads"/);
    expect(() => load('[storage]\nbackend = "nfs"\n')).toThrow(/"storage\.backend"/);
    expect(() => load(s3('bucket = "voicereel"\nregion_name = "x"'))).toThrow(
      /unknown key "storage\.s3\.region_name"/,
    );
  });

  it('takes a prefix with or without its trailing slash', () => {
    expect(load(s3('bucket = "voicereel"\nprefix = "prod/"')).storage.s3.prefix).toBe('prod');
  });

  it('names the secret file it cannot read', () => {
    const c = load(
      s3(`bucket = "voicereel"\naccess_key_id = "AKIA"\nsecret_access_key_file = "${join(dir, 'absent')}"`),
    );
    expect(() => createObjectStore(c.storage)).toThrow(
      /"storage\.s3\.secret_access_key_file": cannot read .*absent \(ENOENT\)/,
    );
    const empty = join(dir, 'empty-secret');
    writeFileSync(empty, '\n');
    c.storage.s3.secret_access_key_file = empty;
    expect(() => createObjectStore(c.storage)).toThrow(/secret_access_key_file": .* is empty/);
  });
});
