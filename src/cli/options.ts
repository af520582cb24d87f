import { existsSync } from 'node:fs';
import type { Argv } from 'yargs';
import { ConfigError, loadConfig } from '../config/loader.js';
import type { Config } from '../config/schema.js';
import { databaseFileIn } from '../store/db.js';

export interface ConfigArgs {
  config?: string;
  host?: string;
  port?: number;
  'data-dir'?: string;
}

export function withConfigOptions<T>(y: Argv<T>): Argv<T & ConfigArgs> {
  return y
    .option('config', { type: 'string', describe: 'TOML config file', alias: 'c' })
    .option('host', { type: 'string', describe: 'listen address (overrides VR_HOST and the file)' })
    .option('port', { type: 'number', describe: 'listen port (overrides VR_PORT and the file)' })
    .option('data-dir', {
      type: 'string',
      describe: 'data directory (overrides VR_DATA_DIR and the file)',
    }) as Argv<T & ConfigArgs>;
}

/** Config errors end the process with the message naming the key; nothing starts half-configured. */
export function configFromArgs(args: ConfigArgs): Config {
  try {
    return loadConfig(args.config, process.env, {
      host: args.host,
      port: args.port,
      dataDir: args['data-dir'],
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`voicereel: ${err.message}`);
      process.exit(78); // EX_CONFIG: systemd shows it as a configuration failure.
    }
    throw err;
  }
}

/** The data dir's database for a command that reads it as it is; exits when there is none. */
export function existingDatabaseFile(config: Config): string {
  const file = databaseFileIn(config.storage.data_dir);
  if (!existsSync(file)) {
    console.error(`voicereel: no database at ${file} (check --data-dir or --config)`);
    process.exit(1);
  }
  return file;
}
