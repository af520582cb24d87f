import { existsSync } from 'node:fs';
import { databaseFileIn, type Db, inspectDatabase, integrityProblems } from '../../store/db.js';
import { migrationStatus } from '../../store/migrate.js';
import { type Migration, migrations as shipped } from '../../store/migrations/index.js';
import { bad, type CheckResult, ok } from './result.js';

/**
 * Opens the database as it is (never migrating, never creating it) and runs `PRAGMA integrity_check`,
 * then compares `schema_migrations` with the migrations this binary ships.
 */
export function checkDatabase(
  dataDir: string,
  sqliteAddon: string | undefined,
  list: Migration[] = shipped,
): CheckResult {
  const id = 'database';
  const name = 'database';
  const file = databaseFileIn(dataDir);
  if (!existsSync(file)) return ok(id, name, `no database at ${file} yet; it is created at first start`);
  const restore =
    'stop the server and restore the latest backup from <data_dir>/backups (README "Back up and restore")';
  let db: Db | undefined;
  try {
    db = inspectDatabase(file, sqliteAddon);
    const problems = integrityProblems(db, 20);
    if (problems.length > 0) {
      return bad(id, name, 'fail', `${file} failed the integrity check: ${problems.join('; ')}`, restore);
    }
    const { applied, pending, unknown } = migrationStatus(db, list);
    if (unknown.length > 0) {
      return bad(
        id,
        name,
        'fail',
        `${file} has migrations this version does not know (${unknown.join(', ')}): it was upgraded by a newer VoiceReel`,
        'run the newer version, or restore the backup taken before that upgrade',
      );
    }
    if (pending.length > 0) {
      return bad(
        id,
        name,
        'warn',
        `${file} is intact; ${pending.length} migration(s) pending (${pending.join(', ')})`,
        'they will be applied, with a backup, at next start',
      );
    }
    return ok(id, name, `${file} is intact and up to date (${applied.length} migration(s))`);
  } catch (err) {
    return bad(id, name, 'fail', `${file} cannot be read: ${(err as Error).message}`, restore);
  } finally {
    db?.close();
  }
}
