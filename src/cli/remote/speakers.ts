import { readFile } from 'node:fs/promises';
import type { Argv, CommandModule } from 'yargs';
import type { Speaker } from '../../client/index.js';
import {
  clientFromArgs,
  fail,
  printJson,
  printTable,
  remote,
  type RemoteArgs,
  withRemoteOptions,
  idCommand,
  commandGroup,
} from './options.js';
import { Progress } from './progress.js';

type AddArgs = RemoteArgs & {
  file: string;
  name: string;
  lang: string;
  script?: string;
  'script-file'?: string;
  consent?: string;
  wait: boolean;
};

const add: CommandModule<object, AddArgs> = {
  command: 'add <file>',
  describe: 'Register a speaker from a reference recording (WAV or MP3) and its transcript',
  builder: (y) =>
    withRemoteOptions(y)
      .positional('file', { type: 'string', demandOption: true })
      .option('name', { type: 'string', demandOption: true })
      .option('lang', { type: 'string', demandOption: true, choices: ['ko', 'en', 'ja'] })
      .option('script', { type: 'string', describe: 'what the recording says' })
      .option('script-file', { type: 'string', describe: 'a text file with what the recording says' })
      .option('consent', { type: 'string', describe: 'the attestation kept with the voice' })
      .option('wait', {
        type: 'boolean',
        default: true,
        describe: 'wait for the registration job',
      }) as Argv<AddArgs>,
  handler: remote(async (args) => {
    const script =
      args.script ?? (args['script-file'] ? await readFile(args['script-file'], 'utf8') : undefined);
    if (!script?.trim()) fail('the transcript is needed: --script or --script-file', 2);
    const client = clientFromArgs(args);
    const accepted = await client.registerSpeaker({
      name: args.name,
      lang: args.lang,
      referenceScript: script.trim(),
      audio: args.file,
      consent: args.consent,
    });
    if (!args.wait) return printJson(accepted);
    await client.waitForSuccess(accepted.job_id, { onEvent: new Progress(accepted.job_id).onEvent });
    printJson(await client.getSpeaker(accepted.speaker_id));
  }),
};

type ListArgs = RemoteArgs & { page: number; 'page-size': number; json: boolean };

const list: CommandModule<object, ListArgs> = {
  command: 'list',
  describe: 'List the speakers of the key’s project',
  builder: (y) =>
    withRemoteOptions(y)
      .option('page', { type: 'number', default: 1 })
      .option('page-size', { type: 'number', default: 20 })
      .option('json', { type: 'boolean', default: false }) as Argv<ListArgs>,
  handler: remote(async (args) => {
    const page = await clientFromArgs(args).listSpeakers({ page: args.page, page_size: args['page-size'] });
    if (args.json) return printJson(page);
    const row = (s: Speaker) => [s.id, s.status, s.lang, s.name, s.created_at];
    printTable([['ID', 'STATUS', 'LANG', 'NAME', 'CREATED'], ...page.items.map(row)]);
    process.stderr.write(`page ${page.page}, ${page.items.length} of ${page.total}\n`);
  }),
};

const show = idCommand('show', 'Show one speaker', async (client, id) =>
  printJson(await client.getSpeaker(id)),
);

const rm = idCommand('rm', 'Delete a speaker, its voice and its reference recording', async (client, id) => {
  await client.deleteSpeaker(id);
  process.stdout.write(`deleted ${id}\n`);
});

export const speakersCommand = commandGroup('speakers', 'Manage speakers on a server (add, list, show, rm)', [
  add,
  list,
  show,
  rm,
]);
