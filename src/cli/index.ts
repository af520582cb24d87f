import yargs from 'yargs';
import { PRIVATE_UMASK } from '../lib/private-files.js';
import { VERSION } from '../version.js';
import { dbCommand } from './db.js';
import { doctorCommand } from './doctor.js';
import { keysCommand } from './keys.js';
import { migrateCommand } from './migrate/command.js';
import { modelsCommand } from './models.js';
import { jobsCommand } from './remote/jobs.js';
import { sayCommand } from './remote/say.js';
import { speakersCommand } from './remote/speakers.js';
import { synthCommand } from './remote/synth.js';
import { serveCommand } from './serve.js';
import { usageCommand } from './usage.js';

const REMOTE_COMMANDS = new Set(['say', 'synth', 'speakers', 'jobs']);

/** Parses argv and runs one command; each command lives in its own file. */
export async function runCli(argv: string[]): Promise<void> {
  await yargs(argv)
    // Before any command creates a file: data files are private whatever umask the caller has. The
    // remote commands write the user's own files (audio, captions), under the user's own umask.
    .middleware((args) => {
      if (!REMOTE_COMMANDS.has(String(args._[0]))) process.umask(PRIVATE_UMASK);
    }, true)
    .scriptName('voicereel')
    .version(VERSION)
    .command(serveCommand)
    .command(keysCommand)
    .command(usageCommand)
    .command(dbCommand)
    .command(modelsCommand)
    .command(doctorCommand)
    .command(migrateCommand)
    // Against a running server (--url / VR_URL), through the client library.
    .command(sayCommand)
    .command(synthCommand)
    .command(speakersCommand)
    .command(jobsCommand)
    .demandCommand(1, 'Name a command (try: voicereel serve).')
    .strict()
    .help()
    .fail((msg, err, y) => {
      if (err) {
        console.error(`voicereel: ${err.message}`);
      } else {
        console.error(`${y.help()}`);
        console.error(`\nvoicereel: ${msg}`);
      }
      process.exit(2);
    })
    .parseAsync();
}
