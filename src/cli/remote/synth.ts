import { readFile } from 'node:fs/promises';
import type { Argv, CommandModule } from 'yargs';
import {
  type CaptionFormat,
  type ScriptLine,
  type SynthesizeRequest,
  VoiceReelClient,
} from '../../client/index.js';
import { formatOf, refuseTerminal, save, synthesizeAndWait } from './output.js';
import { clientFromArgs, fail, remote, type RemoteArgs, withRemoteOptions } from './options.js';

type SynthArgs = RemoteArgs & { script: string; output: string; captions?: string; 'sample-rate'?: number };

/** script.json holds the whole synthesize request or just its script array. */
async function readRequest(file: string): Promise<SynthesizeRequest> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    fail(`cannot read ${file} as JSON: ${(err as Error).message}`, 2);
  }
  if (Array.isArray(parsed)) return { script: parsed as ScriptLine[] };
  if (parsed && typeof parsed === 'object' && Array.isArray((parsed as SynthesizeRequest).script)) {
    return parsed as SynthesizeRequest;
  }
  fail(`${file} must hold a synthesize request ({ "script": [...] }) or a script array`, 2);
}

async function synth(args: SynthArgs): Promise<void> {
  refuseTerminal(args.output);
  const request = await readRequest(args.script);
  const client = clientFromArgs(args);
  request.output_format = formatOf(args.output, ['mp3', 'wav'], request.output_format ?? 'mp3') as 'mp3';
  if (args.captions)
    request.caption_format = formatOf(args.captions, ['vtt', 'srt', 'json'], 'vtt') as CaptionFormat;
  if (args['sample-rate']) request.sample_rate = args['sample-rate'] as SynthesizeRequest['sample_rate'];
  const job = await synthesizeAndWait(client, request);
  const result = VoiceReelClient.synthesisResult(job);
  await save(client, result.audio_url!, args.output);
  if (args.captions && result.caption_url) await save(client, result.caption_url, args.captions);
  if (args.output !== '-') {
    const summary = {
      job_id: job.id,
      output: args.output,
      captions: args.captions ?? null,
      duration: result.duration,
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  }
}

export const synthCommand: CommandModule<object, SynthArgs> = {
  command: 'synth <script>',
  describe: 'Synthesize a script file (a synthesize request or a script array) on a server and save it',
  builder: (y) =>
    withRemoteOptions(y)
      .positional('script', { type: 'string', demandOption: true, describe: 'JSON file' })
      .option('output', {
        alias: 'o',
        type: 'string',
        default: '-',
        describe: 'audio file, mp3 or wav (- for stdout)',
      })
      .option('captions', { type: 'string', describe: 'captions file, .vtt, .srt or .json' })
      .option('sample-rate', { type: 'number', describe: 'e.g. 24000 or 44100' }) as Argv<SynthArgs>,
  handler: remote(synth),
};
