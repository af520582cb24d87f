import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/loader.js';
import { configSchema } from '../../../src/config/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'vr-config-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('config loader', () => {
  it('runs on safe local defaults with no file', () => {
    const c = loadConfig(undefined, {});
    expect(c.server.host).toBe('127.0.0.1');
    expect(c.server.port).toBe(8080);
    expect(c.storage.data_dir).toBe(join(process.cwd(), 'var'));
    expect(c.storage.retention_hours).toBe(48);
    expect(c.limits.max_upload_mb).toBe(30);
  });

  it('accepts the example file, which sets every key to its default', () => {
    const c = loadConfig('voicereel.example.toml', {});
    expect(c).toEqual(loadConfig(undefined, {}));
  });

  it('documents every key of the schema in the example file', async () => {
    const { parse } = await import('smol-toml');
    const { readFileSync } = await import('node:fs');
    const example = parse(readFileSync('voicereel.example.toml', 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    const defaults = configSchema.parse({}) as Record<string, Record<string, unknown>>;
    for (const [section, keys] of Object.entries(defaults)) {
      expect(Object.keys(example[section] ?? {}).sort(), section).toEqual(Object.keys(keys).sort());
    }
  });

  it('names an unknown key', () => {
    const p = file('unknown.toml', '[server]\nprot = 8080\n');
    expect(() => loadConfig(p, {})).toThrow(ConfigError);
    expect(() => loadConfig(p, {})).toThrow(/server\.prot/);
  });

  it('names an unknown section', () => {
    expect(() => loadConfig(file('section.toml', '[sever]\nport = 1\n'), {})).toThrow(/"sever"/);
  });

  it('names a bad value', () => {
    expect(() => loadConfig(file('bad.toml', '[limits]\nqueue_max_depth = -3\n'), {})).toThrow(
      /limits\.queue_max_depth/,
    );
    expect(() => loadConfig(file('type.toml', '[server]\nport = "eighty"\n'), {})).toThrow(/server\.port/);
  });

  it('names the sample rates the output may have (the one list the API also checks)', () => {
    expect(() => loadConfig(file('rate.toml', '[synthesis]\ndefault_sample_rate = 12345\n'), {})).toThrow(
      '"synthesis.default_sample_rate": Invalid option: expected one of 8000|16000|22050|24000|44100|48000',
    );
  });

  it('reports invalid TOML and a missing file', () => {
    expect(() => loadConfig(file('broken.toml', '[server\n'), {})).toThrow(/not valid TOML/);
    expect(() => loadConfig(join(dir, 'absent.toml'), {})).toThrow(/cannot read config file/);
  });

  it('layers file < environment < flags', () => {
    const p = file('layers.toml', '[server]\nport = 1000\nhost = "0.0.0.0"\n');
    const key = 'vr_0f3a9c2e7b5d14869e0c3b7a5f2d8e61a4c9b07d';
    const c = loadConfig(p, { VR_PORT: '2000', VR_DATA_DIR: '/srv/vr', VR_API_KEY: key }, { host: '::1' });
    expect(c.server.port).toBe(2000);
    expect(c.server.host).toBe('::1');
    expect(c.storage.data_dir).toBe('/srv/vr');
    expect(c.security.api_key).toBe(key);
    expect(loadConfig(p, { VR_PORT: '2000' }, { port: 3000 }).server.port).toBe(3000);
    expect(() => loadConfig(undefined, { VR_PORT: 'x' })).toThrow(/VR_PORT/);
  });

  it('refuses a weak bootstrap key, naming where it came from and never echoing it', () => {
    const weak = 'password123password123password123';
    const fromEnv = () => loadConfig(undefined, { VR_API_KEY: weak });
    expect(fromEnv).toThrow(ConfigError);
    expect(fromEnv).toThrow(/"security\.api_key" \(set by VR_API_KEY\): too weak: it repeats a run/);
    const fromFile = () => loadConfig(file('weak.toml', `[security]\napi_key = "${weak}"\n`), {});
    expect(fromFile).toThrow(/"security\.api_key": too weak/);
    expect(() => loadConfig(undefined, { VR_API_KEY: 'short' })).toThrow(/5 characters, at least 32/);
    for (const load of [fromEnv, fromFile]) {
      try {
        load();
      } catch (err) {
        expect((err as Error).message).not.toContain(weak);
      }
    }
    expect(() => loadConfig(undefined, { VR_PORT: '99999' })).toThrow(/"server\.port" \(set by VR_PORT\)/);
  });
});
