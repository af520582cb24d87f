import type { Argv, CommandModule } from 'yargs';
import { ConfigError, loadConfig } from '../../config/loader.js';
import type { Config } from '../../config/schema.js';
import { systemClock } from '../../lib/clock.js';
import { resolveAppPaths } from '../../runtime/paths.js';
import { migrateAppliance } from '../../services/migration/migrate-appliance.js';
import { openObjectStore } from '../../store/objects/open.js';
import { openStore } from '../../store/open.js';
import { type ConfigArgs, configFromArgs, existingDatabaseFile, withConfigOptions } from '../options.js';

type MigrateArgs = ConfigArgs & { to: string; 'batch-size': number; 'verify-only': boolean };

/**
 * The target's config, from its file alone: the VR_* variables configure the source (the appliance
 * this command runs beside), so they must not redirect the target too.
 */
function targetConfig(file: string): Config {
  try {
    return loadConfig(file, {});
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`voicereel: --to: ${err.message}`);
      process.exit(78);
    }
    throw err;
  }
}

function refuse(message: string): never {
  console.error(`voicereel: migrate: ${message}`);
  process.exit(1);
}

export const migrateCommand: CommandModule<object, MigrateArgs> = {
  command: 'migrate',
  describe:
    'Copy this SQLite appliance (running or stopped) into the PostgreSQL database and data dir of --to, ' +
    'resumably, and verify both sides; prints a JSON report, exits 1 when anything differs',
  builder: (y) =>
    withConfigOptions(y)
      .option('to', {
        type: 'string',
        demandOption: true,
        describe:
          'config file of the target: its [database] url names PostgreSQL, its data_dir gets the files',
      })
      .option('batch-size', { type: 'number', default: 500, describe: 'rows per transaction (1-2000)' })
      .option('verify-only', {
        type: 'boolean',
        default: false,
        describe: 'compare source and target without copying',
      })
      .check((a) => {
        const n = a['batch-size'];
        if (!Number.isInteger(n) || n < 1 || n > 2000)
          throw new Error('--batch-size must be an integer 1-2000');
        return true;
      }) as Argv<MigrateArgs>,
  handler: async (args) => {
    const source = configFromArgs(args);
    const target = targetConfig(args.to);
    if (source.database.url) refuse('the source must be an SQLite appliance ([database] url is set for it)');
    if (!target.database.url) refuse(`the target (${args.to}) names no PostgreSQL database ([database] url)`);
    const sourceFile = existingDatabaseFile(source);
    const sqliteAddon = resolveAppPaths().sqliteAddon;
    const db = await openStore({ dataDir: target.storage.data_dir, database: target.database }).catch(
      (err: Error) => refuse(`cannot open the target database: ${err.message}`),
    );
    try {
      const report = await migrateAppliance({
        sourceFile,
        sourceDataDir: source.storage.data_dir,
        sqliteAddon,
        target: db.store.sql,
        targetDataDir: target.storage.data_dir,
        objects: await openObjectStore(target.storage),
        batchSize: args['batch-size'],
        verifyOnly: args['verify-only'],
        clock: systemClock,
        note: (line) => process.stderr.write(`migrate: ${line}\n`),
      });
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      if (!report.ok) {
        console.error('voicereel: migrate: source and target differ (see the report)');
        process.exitCode = 1;
      }
    } catch (err) {
      console.error(`voicereel: migrate: ${(err as Error).message}`);
      process.exitCode = 1;
    } finally {
      await db.close();
    }
  },
};
