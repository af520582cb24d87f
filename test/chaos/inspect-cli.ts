/**
 * Prints inspectDataDir() of a stopped server's data dir as JSON. The disk-full check runs it inside
 * the private mount namespace of its small filesystem: SQLite resolves /proc/<pid>/root to the host's
 * own view, so the database there can only be opened from inside.
 */
import { inspectDataDir } from './datadir.js';

const [dataDir] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: inspect-cli.ts <data dir>');
process.stdout.write(JSON.stringify(inspectDataDir(dataDir)));
