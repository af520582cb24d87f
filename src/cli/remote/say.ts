import type { Argv, CommandModule } from 'yargs';
import { VoiceReelClient, VoiceReelError, type SpeechRequest } from '../../client/index.js';
import { formatOf, refuseTerminal, save, synthesizeAndWait } from './output.js';
import { clientFromArgs, fail, remote, type RemoteArgs, withRemoteOptions } from './options.js';

type SayArgs = RemoteArgs & { text: string; voice: string; output: string; format?: string; speed?: number };

const SPEECH_FORMATS = ['mp3', 'wav', 'pcm', 'opus', 'flac'] as const;

/** A voice id, or a registered speaker (`spk_…`), as a synthesis script line names it. */
const lineFor = (voice: string, text: string, speed?: number) =>
  voice.startsWith('spk_') ? { speaker_id: voice, text, speed } : { voice, text, speed };

/**
 * The OpenAI-compatible fast path when the server has it; a server without it (404/405) gets the
 * same result through the job queue: synthesize, wait, download.
 */
async function say(args: SayArgs): Promise<void> {
  refuseTerminal(args.output);
  const client = clientFromArgs(args);
  const format = args.format ?? formatOf(args.output, SPEECH_FORMATS, 'mp3');
  const request: SpeechRequest = {
    model: 'voicereel',
    input: args.text,
    voice: args.voice,
    response_format: format as SpeechRequest['response_format'],
    speed: args.speed,
  };
  try {
    if (args.output === '-') {
      const stream = await client.speechNodeStream(request);
      for await (const chunk of stream) process.stdout.write(chunk as Uint8Array);
    } else {
      await client.speechToFile(request, args.output);
    }
    return;
  } catch (err) {
    if (!(err instanceof VoiceReelError) || (err.status !== 404 && err.status !== 405)) throw err;
  }
  await viaQueue(client, args, format);
}

async function viaQueue(client: VoiceReelClient, args: SayArgs, format: string): Promise<void> {
  if (format !== 'mp3' && format !== 'wav')
    fail(`this server makes only mp3 and wav; ${format} needs /v1/audio/speech`);
  const job = await synthesizeAndWait(client, {
    script: [lineFor(args.voice, args.text, args.speed)],
    output_format: format,
  });
  await save(client, VoiceReelClient.synthesisResult(job).audio_url!, args.output);
}

export const sayCommand: CommandModule<object, SayArgs> = {
  command: 'say <text>',
  describe: 'Speak a text with a voice or speaker on a server; the format from -o (mp3, wav, …)',
  builder: (y) =>
    withRemoteOptions(y)
      .positional('text', { type: 'string', demandOption: true })
      .option('voice', {
        type: 'string',
        default: 'builtin-en',
        describe: 'a voice id or a speaker id (spk_…)',
      })
      .option('output', { alias: 'o', type: 'string', default: '-', describe: 'audio file (- for stdout)' })
      .option('format', { type: 'string', choices: SPEECH_FORMATS, describe: 'instead of the -o extension' })
      .option('speed', { type: 'number', describe: '0.5 to 2' }) as Argv<SayArgs>,
  handler: remote(say),
};
