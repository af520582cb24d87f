import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VoiceReelClient, VoiceReelError } from '../../src/client/index.js';
import { type AppServer, startApp } from '../helpers/app.js';
import { cleanEnv } from '../helpers/cli.js';
import { ffprobe, librivoxReference } from '../helpers/fixtures.js';
import { BUNDLE, removeDir } from '../helpers/server.js';
import { parseVtt } from '../helpers/webvtt.js';

/** The remote commands (say, synth, speakers, jobs) run from the real bundle against a real server. */
let server: AppServer;
let client: VoiceReelClient;
let dir: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `voicereel <args>` with VR_URL and VR_API_KEY set (unless `env` replaces them). */
function vr(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BUNDLE, ...args],
      {
        env: { ...cleanEnv(), VR_URL: server.url, VR_API_KEY: server.adminKey, ...env },
        timeout: 120_000,
        encoding: 'utf8',
        cwd: dir,
      },
      (err, stdout, stderr) =>
        done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  server = await startApp();
  client = new VoiceReelClient({ url: server.url, apiKey: server.adminKey });
  dir = mkdtempSync(join(tmpdir(), 'vr-cli-remote-'));
});

afterAll(async () => {
  await server?.stop();
  if (server) removeDir(server.dataDir);
  if (dir) removeDir(dir);
});

describe('remote CLI commands', () => {
  it('say streams the audio from /v1/audio/speech in the format of -o', async () => {
    const run = await vr(['say', 'Hello from the command line.', '--voice', 'builtin-en', '-o', 'hello.mp3']);
    expect(run.stderr).not.toContain('\r');
    expect(run.code).toBe(0);
    const probe = ffprobe(join(dir, 'hello.mp3'));
    expect(probe.codec).toBe('mp3');
    expect(probe.duration).toBeGreaterThan(0.8);
    // The fast path makes no job, so there is no progress to print.
    expect(run.stderr).toBe('');
    // The user's file, under the user's umask (data files of the server are the ones kept private).
    expect(statSync(join(dir, 'hello.mp3')).mode & 0o777).toBe(0o666 & ~process.umask());

    const piped = await vr(['say', 'To a pipe.', '--format', 'wav']);
    expect(piped.code).toBe(0);
    expect(piped.stdout.slice(0, 4)).toBe('RIFF');
    expect(piped.stdout.length).toBeGreaterThan(10_000);
  });

  it('synth saves audio and captions from a script file and prints a summary', async () => {
    writeFileSync(
      join(dir, 'script.json'),
      JSON.stringify({
        script: [
          { voice: 'builtin-en', text: 'The first line of the script.' },
          { voice: 'builtin-en', text: 'And the second one.', speed: 1.2 },
        ],
      }),
    );
    const run = await vr(['synth', 'script.json', '-o', 'out.wav', '--captions', 'out.vtt']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as { job_id: string; duration: number; output: string };
    expect(summary.output).toBe('out.wav');
    expect(ffprobe(join(dir, 'out.wav'))).toMatchObject({ codec: 'pcm_s16le' });
    const vtt = parseVtt(readFileSync(join(dir, 'out.vtt'), 'utf8'));
    expect(vtt.errors).toEqual([]);
    expect(vtt.cues).toHaveLength(2);

    const shown = await vr(['jobs', 'show', summary.job_id]);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: summary.job_id, status: 'succeeded' });
    const watched = await vr(['jobs', 'watch', summary.job_id]);
    expect(watched.code).toBe(0);
    expect(JSON.parse(watched.stdout)).toMatchObject({
      status: 'succeeded',
      result: { duration: summary.duration },
    });

    writeFileSync(join(dir, 'lines.json'), JSON.stringify([{ voice: 'builtin-en', text: 'Just an array.' }]));
    const array = await vr(['synth', 'lines.json', '-o', 'array.mp3', '--captions', 'array.srt']);
    expect(array.code).toBe(0);
    expect(readFileSync(join(dir, 'array.srt'), 'utf8')).toMatch(/^1\r?\n00:00:/);
  });

  it('speakers add, list, show and rm a real speaker', async () => {
    const ref = librivoxReference();
    writeFileSync(join(dir, 'ref.txt'), ref.script);
    const added = await vr([
      'speakers',
      'add',
      ref.file,
      '--name',
      'Reader',
      '--lang',
      'en',
      '--script-file',
      'ref.txt',
    ]);
    expect(added.code).toBe(0);
    const speaker = JSON.parse(added.stdout) as { id: string; status: string };
    expect(speaker.status).toBe('ready');

    const table = await vr(['speakers', 'list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^${speaker.id}\\s+ready\\s+en\\s+Reader`, 'm'));
    const json = await vr(['speakers', 'list', '--json']);
    expect((JSON.parse(json.stdout) as { total: number }).total).toBe(1);
    expect(JSON.parse((await vr(['speakers', 'show', speaker.id])).stdout)).toMatchObject({ name: 'Reader' });

    const said = await vr([
      'say',
      'Spoken by the registered speaker.',
      '--voice',
      speaker.id,
      '-o',
      'spk.wav',
    ]);
    expect(said.code).toBe(0);
    expect(existsSync(join(dir, 'spk.wav'))).toBe(true);

    expect((await vr(['speakers', 'rm', speaker.id])).stdout).toBe(`deleted ${speaker.id}\n`);
    const gone = await vr(['speakers', 'show', speaker.id]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/NOT_FOUND: Speaker not found\. \(request req_/);
  });

  it('jobs cancel stops a queued or running job', async () => {
    const { job_id } = await client.synthesize({
      script: Array.from({ length: 30 }, (_, i) => ({
        voice: 'builtin-en',
        text: `Line ${i} of a long script.`,
      })),
    });
    const run = await vr(['jobs', 'cancel', job_id]);
    expect(run).toMatchObject({ code: 0, stdout: `canceled ${job_id}\n` });
    const after = await client.getJob(job_id).catch((e: unknown) => e);
    if (after instanceof VoiceReelError) expect(after.code).toBe('NOT_FOUND');
    else expect(after).toMatchObject({ status: 'canceled' });
  });

  it('jobs list lists jobs, or says clearly that the server has no job list', async () => {
    const hasList = await client.listJobs({ limit: 1 }).then(
      () => true,
      (e: unknown) => !(e instanceof VoiceReelError && e.status === 404),
    );
    const run = await vr(['jobs', 'list', '--limit', '5']);
    if (!hasList) {
      // GET /v1/jobs is built on another branch; until it is merged the command must fail clearly.
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('this server cannot list jobs (no GET /v1/jobs)');
      return;
    }
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ID\s+TYPE\s+STATUS/);
  });

  it('signs with --key-id, and a wrong key fails with UNAUTHORIZED and exit 1', async () => {
    const created = await client.createKey({ name: 'cli-signer', project: 'default' });
    const signed = await vr(['speakers', 'list', '--json', '--key-id', created.id], {
      VR_API_KEY: created.key,
    });
    expect(signed.code).toBe(0);
    const wrong = await vr(['speakers', 'list', '--key', 'vr_wrong_0000000000000000000000']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^voicereel: UNAUTHORIZED: /);
    const none = await vr(['speakers', 'list'], { VR_API_KEY: '' });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('an API key is needed');
  });
});
