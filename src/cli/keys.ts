import { mkdirSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { systemClock } from '../lib/clock.js';
import { PRIVATE_DIR } from '../lib/private-files.js';
import { resolveAppPaths } from '../runtime/paths.js';
import { DEFAULT_PROJECT, KeyService, PROJECT_PATTERN } from '../services/keys.js';
import { secretsFor } from '../services/secrets.js';
import { openStore } from '../store/open.js';
import { type ConfigArgs, configFromArgs, withConfigOptions } from './options.js';

/** Opens the same database the server uses (WAL lets both work at once) for one admin action. */
async function withKeys<T>(args: ConfigArgs, fn: (keys: KeyService) => Promise<T>): Promise<T> {
  const config = configFromArgs(args);
  mkdirSync(config.storage.data_dir, { recursive: true, mode: PRIVATE_DIR });
  const db = await openStore({
    dataDir: config.storage.data_dir,
    database: config.database,
    sqliteAddon: resolveAppPaths().sqliteAddon,
  });
  try {
    const secrets = await secretsFor(db, config.storage.data_dir, systemClock.now());
    return await fn(new KeyService(db.store.keys, secrets, systemClock));
  } finally {
    await db.close();
  }
}

type CreateArgs = ConfigArgs & { name: string; project: string; admin: boolean };

const create: CommandModule<object, CreateArgs> = {
  command: 'create',
  describe: 'Create an API key and print it once',
  builder: (y) =>
    withConfigOptions(y)
      .option('name', { type: 'string', demandOption: true, describe: 'a label for the key' })
      .option('project', { type: 'string', default: DEFAULT_PROJECT })
      .option('admin', { type: 'boolean', default: false }) as Argv<CreateArgs>,
  handler: async (args) => {
    if (!PROJECT_PATTERN.test(args.project)) {
      console.error('voicereel: --project must be lowercase letters, digits, "-" or "_"');
      process.exit(2);
    }
    const created = await withKeys(args, (k) =>
      k.create({ name: args.name, project: args.project, admin: args.admin }),
    );
    process.stdout.write(
      `${JSON.stringify({ id: created.id, key: created.key, project: args.project, admin: args.admin })}\n`,
    );
  },
};

const list: CommandModule<object, ConfigArgs> = {
  command: 'list',
  describe: 'List API keys (never their secrets)',
  builder: (y) => withConfigOptions(y),
  handler: async (args) => {
    const items = await withKeys(args, (k) => k.list());
    process.stdout.write(`${JSON.stringify({ items }, null, 2)}\n`);
  },
};

type RevokeArgs = ConfigArgs & { id: string };

const revoke: CommandModule<object, RevokeArgs> = {
  command: 'revoke <id>',
  describe: 'Revoke an API key; it stops working at once',
  builder: (y) =>
    withConfigOptions(y).positional('id', { type: 'string', demandOption: true }) as Argv<RevokeArgs>,
  handler: async (args) => {
    const ok = await withKeys(args, async (k) => {
      if (!(await k.get(args.id))) return false;
      await k.revoke(args.id);
      return true;
    });
    if (!ok) {
      console.error(`voicereel: no key with id ${args.id}`);
      process.exit(1);
    }
    process.stdout.write(`revoked ${args.id}\n`);
  },
};

export const keysCommand: CommandModule = {
  command: 'keys <command>',
  describe: 'Manage API keys',
  builder: (y) => y.command(create).command(list).command(revoke).demandCommand(1),
  handler: () => undefined,
};
