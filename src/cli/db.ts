import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { resolveAppPaths } from '../runtime/paths.js';
import { backupDatabase, backupDirOf, timestampedBackupName } from '../store/backup.js';
import { openDatabase } from '../store/db.js';
import { type ConfigArgs, configFromArgs, existingDatabaseFile, withConfigOptions } from './options.js';

type BackupArgs = ConfigArgs & { out?: string };

/**
 * An online, consistent copy (SQLite backup API) taken beside a running server. The database is
 * opened as it is, never migrated: a newer binary backs up the old schema before it upgrades it.
 */
const backup: CommandModule<object, BackupArgs> = {
  command: 'backup',
  describe: 'Copy the database consistently, even while the server runs; prints the path',
  builder: (y) =>
    withConfigOptions(y).option('out', {
      type: 'string',
      describe: 'backup file (default: <data_dir>/backups/voicereel-<UTC time>.db)',
    }) as Argv<BackupArgs>,
  handler: async (args) => {
    const config = configFromArgs(args);
    const dataDir = config.storage.data_dir;
    const file = existingDatabaseFile(config);
    const addon = resolveAppPaths().sqliteAddon;
    const db = openDatabase(file, addon, { migrate: false, mustExist: true });
    try {
      const out = args.out ?? join(backupDirOf(dataDir), timestampedBackupName(Date.now()));
      process.stdout.write(`${await backupDatabase(db, out, addon)}\n`);
    } catch (err) {
      console.error(`voicereel: backup failed: ${(err as Error).message}`);
      process.exitCode = 1;
    } finally {
      db.close();
    }
  },
};

export const dbCommand: CommandModule = {
  command: 'db <command>',
  describe: 'Database maintenance',
  builder: (y) => y.command(backup).demandCommand(1),
  handler: () => undefined,
};
