import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';
import { type Config, configSchema } from './schema.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface ConfigOverrides {
  host?: string;
  port?: number;
  dataDir?: string;
}

/**
 * Loads the configuration once: file, then VR_* environment, then command-line flags.
 * Relative data_dir is resolved against the working directory so every later path is absolute;
 * an empty reports_dir becomes `<data_dir>/reports`, an empty models_dir `<data_dir>/models`.
 */
export function loadConfig(
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  flags: ConfigOverrides = {},
): Config {
  const raw = file ? readToml(file) : {};
  // Which override set each dotted key, so an error names what the operator actually wrote.
  const sources = new Map<string, string>();
  const override = (path: [string, string], value: unknown, source: string) =>
    applyOverride(raw, path, value) && sources.set(path.join('.'), source);
  override(['server', 'host'], env.VR_HOST, 'VR_HOST');
  override(
    ['server', 'port'],
    env.VR_PORT === undefined ? undefined : toPort(env.VR_PORT, 'VR_PORT'),
    'VR_PORT',
  );
  override(['storage', 'data_dir'], env.VR_DATA_DIR, 'VR_DATA_DIR');
  override(['security', 'api_key'], env.VR_API_KEY, 'VR_API_KEY');
  override(['database', 'url'], env.VR_DATABASE_URL, 'VR_DATABASE_URL');
  override(['server', 'host'], flags.host, '--host');
  override(['server', 'port'], flags.port, '--port');
  override(['storage', 'data_dir'], flags.dataDir, '--data-dir');

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(describe(parsed.error, file, sources));
  const config = parsed.data;
  config.storage.data_dir = resolve(config.storage.data_dir);
  config.storage.reports_dir = config.storage.reports_dir
    ? resolve(config.storage.reports_dir)
    : join(config.storage.data_dir, 'reports');
  config.engine.models_dir = config.engine.models_dir
    ? resolve(config.engine.models_dir)
    : join(config.storage.data_dir, 'models');
  return config;
}

function readToml(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `cannot read config file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid TOML: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Sets `section.key` when a value is given; true when it did. */
function applyOverride(raw: Record<string, unknown>, path: [string, string], value: unknown): boolean {
  if (value === undefined || value === '') return false;
  const [section, key] = path;
  const current = raw[section];
  const target = current && typeof current === 'object' ? (current as Record<string, unknown>) : {};
  target[key] = value;
  raw[section] = target;
  return true;
}

function toPort(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new ConfigError(`${name} must be an integer port, got "${value}"`);
  return n;
}

function describe(error: z.ZodError, file: string | undefined, sources: Map<string, string>): string {
  const where = file ? ` in ${file}` : '';
  const lines = error.issues.map((issue) => {
    const unknown = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const base = issue.path.map(String).join('.');
    if (unknown.length > 0) {
      return unknown.map((k) => `unknown key "${base ? `${base}.` : ''}${k}"`).join('; ');
    }
    const source = sources.get(base);
    return `"${base || '(root)'}"${source ? ` (set by ${source})` : ''}: ${issue.message}`;
  });
  return `invalid configuration${where}: ${lines.join('; ')}`;
}
