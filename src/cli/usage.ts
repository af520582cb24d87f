import { basename, dirname, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { renderUsageReport, type ReportFormat } from '../jobs/monthly-report.js';
import { resolveAppPaths } from '../runtime/paths.js';
import { LocalObjectStore } from '../store/objects/local.js';
import { buildUsageReport } from '../services/usage.js';
import { openDatabase } from '../store/db.js';
import { SqliteSql } from '../store/sql/sqlite.js';
import { UsageRepo } from '../store/usage-repo.js';
import { type ConfigArgs, configFromArgs, existingDatabaseFile, withConfigOptions } from './options.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

type ReportArgs = ConfigArgs & { month: string; format: ReportFormat; out?: string; project?: string };

/**
 * The monthly report the server writes on the 1st, for any month, read from the database the
 * server may be using at the same time (WAL; request counts reach it within a second).
 */
const report: CommandModule<object, ReportArgs> = {
  command: 'report',
  describe: 'Print or write the usage report of a month: per key, per project and in total',
  builder: (y) =>
    withConfigOptions(y)
      .option('month', { type: 'string', demandOption: true, describe: 'the month, YYYY-MM (UTC)' })
      .option('format', { choices: ['json', 'csv'] as const, default: 'json' as ReportFormat })
      .option('out', { type: 'string', describe: 'write to this file (atomically) instead of stdout' })
      .option('project', { type: 'string', describe: 'only this project' }) as Argv<ReportArgs>,
  handler: async (args) => {
    if (!MONTH.test(args.month)) {
      console.error('voicereel: --month must be YYYY-MM');
      process.exit(2);
    }
    const config = configFromArgs(args);
    const file = existingDatabaseFile(config);
    // Read as it is: a report never migrates (nor backs up) the database under a running server.
    const db = openDatabase(file, resolveAppPaths().sqliteAddon, { migrate: false, mustExist: true });
    let text: string;
    try {
      text = renderUsageReport(
        await buildUsageReport(new UsageRepo(new SqliteSql(db)), args.month, args.project),
        args.format,
        Date.now(),
      );
    } finally {
      db.close();
    }
    if (args.out === undefined) {
      process.stdout.write(text);
      return;
    }
    const out = resolve(args.out);
    await new LocalObjectStore(dirname(out)).put(basename(out), text);
    process.stdout.write(`${out}\n`);
  },
};

export const usageCommand: CommandModule = {
  command: 'usage <command>',
  describe: 'Usage reports',
  builder: (y) => y.command(report).demandCommand(1),
  handler: () => undefined,
};
