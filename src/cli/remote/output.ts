import { extname } from 'node:path';
import type { Job, SynthesizeRequest, VoiceReelClient } from '../../client/index.js';
import { fail } from './options.js';
import { Progress } from './progress.js';

/** The format a file name asks for by its extension (`out.mp3` → mp3), or the fallback. */
export function formatOf(file: string | undefined, allowed: readonly string[], fallback: string): string {
  if (!file || file === '-') return fallback;
  const ext = extname(file).slice(1).toLowerCase();
  if (!allowed.includes(ext))
    fail(`cannot tell the format from "${file}": use one of .${allowed.join(', .')}`, 2);
  return ext;
}

/** Submits a synthesis, shows its progress and waits; exits 1 unless it succeeded. */
export async function synthesizeAndWait(client: VoiceReelClient, request: SynthesizeRequest): Promise<Job> {
  const { job_id } = await client.synthesize(request);
  const progress = new Progress(job_id);
  return client.waitForSuccess(job_id, { onEvent: progress.onEvent });
}

/** Writes a presigned file to `file`, or to stdout for `-`. */
export async function save(client: VoiceReelClient, url: string, file: string): Promise<void> {
  if (file === '-') {
    process.stdout.write(await client.downloadBytes(url));
    return;
  }
  await client.downloadToFile(url, file);
}

/** Audio on a terminal is noise: `-` (stdout) must be redirected. */
export function refuseTerminal(file: string): void {
  if (file === '-' && process.stdout.isTTY)
    fail('refusing to write audio to a terminal: use -o <file> or a pipe', 2);
}
