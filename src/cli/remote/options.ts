import type { Argv, CommandModule } from 'yargs';
import { VoiceReelClient, VoiceReelError } from '../../client/index.js';

export interface RemoteArgs {
  url?: string;
  key?: string;
  'key-id'?: string;
}

export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** The server and credentials of a remote command; the key never appears in --help. */
export function withRemoteOptions<T>(y: Argv<T>): Argv<T & RemoteArgs> {
  return y
    .option('url', {
      type: 'string',
      describe: 'server URL',
      defaultDescription: `$VR_URL or ${DEFAULT_URL}`,
    })
    .option('key', { type: 'string', describe: 'API key', defaultDescription: '$VR_API_KEY' })
    .option('key-id', {
      type: 'string',
      describe: 'sign requests (HMAC) with the key instead of sending it; the key id',
      defaultDescription: '$VR_KEY_ID',
    }) as Argv<T & RemoteArgs>;
}

export type IdArgs = RemoteArgs & { id: string };

/** A remote command about one resource, named by its id. */
export const withId = (y: Argv): Argv<IdArgs> =>
  withRemoteOptions(y).positional('id', { type: 'string', demandOption: true }) as Argv<IdArgs>;

/** `<command> <id>`: one action on one resource through the client. */
export function idCommand(
  command: string,
  describe: string,
  action: (client: VoiceReelClient, id: string) => Promise<void>,
): CommandModule<object, IdArgs> {
  return {
    command: `${command} <id>`,
    describe,
    builder: withId,
    handler: remote((args: IdArgs) => action(clientFromArgs(args), args.id)),
  };
}

/** `<group> <command>`: a noun with its subcommands (speakers add, jobs list, …). */
export function commandGroup(
  group: string,
  describe: string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each subcommand has its own argument type
  subcommands: Array<CommandModule<object, any>>,
): CommandModule {
  return {
    command: `${group} <command>`,
    describe,
    builder: (y) => subcommands.reduce((acc, sub) => acc.command(sub), y).demandCommand(1),
    handler: () => undefined,
  };
}

export function clientFromArgs(args: RemoteArgs): VoiceReelClient {
  const apiKey = args.key ?? process.env.VR_API_KEY;
  if (!apiKey) fail('an API key is needed: --key or VR_API_KEY');
  return new VoiceReelClient({
    url: args.url ?? process.env.VR_URL ?? DEFAULT_URL,
    apiKey,
    keyId: args['key-id'] ?? process.env.VR_KEY_ID,
  });
}

export function fail(message: string, code = 1): never {
  console.error(`voicereel: ${message}`);
  process.exit(code);
}

/** A remote command's handler: API errors are printed with their code and request id, exit 1. */
export function remote<A>(handler: (args: A) => Promise<void>): (args: A) => Promise<void> {
  return async (args) => {
    try {
      await handler(args);
    } catch (err) {
      if (err instanceof VoiceReelError) {
        const where = err.requestId ? ` (request ${err.requestId})` : '';
        const details = err.details ? ` ${JSON.stringify(err.details)}` : '';
        fail(`${err.code}: ${err.message}${details}${where}`);
      }
      fail((err as Error).message);
    }
  };
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Plain columns, padded to the widest cell: for people; --json is for programs. */
export function printTable(rows: string[][]): void {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  for (const row of rows) {
    process.stdout.write(
      `${row
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd()}\n`,
    );
  }
}
