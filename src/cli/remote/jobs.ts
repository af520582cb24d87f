import type { Argv, CommandModule } from 'yargs';
import { type Job, type JobStatus, VoiceReelError } from '../../client/index.js';
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

type ListArgs = RemoteArgs & {
  status?: JobStatus;
  type?: string;
  since?: string;
  until?: string;
  limit?: number;
  cursor?: string;
  json: boolean;
};

const list: CommandModule<object, ListArgs> = {
  command: 'list',
  describe: 'List jobs, newest first',
  builder: (y) =>
    withRemoteOptions(y)
      .option('status', { type: 'string', choices: ['queued', 'running', 'succeeded', 'failed', 'canceled'] })
      .option('type', { type: 'string', describe: 'synthesize or register_speaker' })
      .option('since', { type: 'string', describe: 'created at or after (ISO 8601)' })
      .option('until', { type: 'string', describe: 'created before (ISO 8601)' })
      .option('limit', { type: 'number' })
      .option('cursor', { type: 'string', describe: 'next_cursor of a previous page' })
      .option('json', { type: 'boolean', default: false }) as Argv<ListArgs>,
  handler: remote(async (args) => {
    const client = clientFromArgs(args);
    const page = await client
      .listJobs({
        status: args.status,
        type: args.type,
        created_after: args.since,
        created_before: args.until,
        limit: args.limit,
        cursor: args.cursor,
      })
      .catch((err: unknown) => {
        if (err instanceof VoiceReelError && err.status === 404)
          fail('this server cannot list jobs (no GET /v1/jobs)');
        throw err;
      });
    if (args.json) return printJson(page);
    const row = (j: Job) => [j.id, j.type, j.status, `${Math.round(j.progress * 100)}%`, j.created_at];
    printTable([['ID', 'TYPE', 'STATUS', 'PROGRESS', 'CREATED'], ...page.items.map(row)]);
    if (page.next_cursor) process.stderr.write(`more: --cursor ${page.next_cursor}\n`);
  }),
};

const show = idCommand('show', 'Show a job (its result has fresh download links)', async (client, id) =>
  printJson(await client.getJob(id)),
);

const watch = idCommand(
  'watch',
  'Follow a job until it ends; exit 1 unless it succeeded',
  async (client, id) => {
    const job = await client.waitForJob(id, { onEvent: new Progress(id).onEvent });
    printJson(job);
    if (job.status !== 'succeeded') process.exitCode = 1;
  },
);

const cancel = idCommand(
  'cancel',
  'Cancel a queued or running job and delete its files',
  async (client, id) => {
    await client.cancelJob(id);
    process.stdout.write(`canceled ${id}\n`);
  },
);

export const jobsCommand = commandGroup(
  'jobs',
  'Follow and manage jobs on a server (list, show, watch, cancel)',
  [list, show, watch, cancel],
);
