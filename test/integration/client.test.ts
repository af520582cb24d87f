import { createReadStream, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VoiceReelClient, VoiceReelError } from '../../src/client/index.js';
import type { Job, SynthesisResult } from '../../src/client/index.js';
import { type AppServer, startApp } from '../helpers/app.js';
import { ffprobe, fixturePath, librivoxReference } from '../helpers/fixtures.js';
import { removeDir } from '../helpers/server.js';

/** The client library against the real server: every call goes over HTTP to the app main.ts builds. */
let server: AppServer;
let client: VoiceReelClient;
let speakerId = '';

async function rejection(p: Promise<unknown>): Promise<VoiceReelError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VoiceReelError);
  return err as VoiceReelError;
}

beforeAll(async () => {
  server = await startApp();
  client = new VoiceReelClient({ url: server.url, apiKey: server.adminKey });
});

afterAll(async () => {
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

describe('client library', () => {
  it('registers a speaker from a stream and waits for its job (polling when the server has no event route)', async () => {
    const ref = librivoxReference();
    const events: string[] = [];
    const accepted = await client.registerSpeaker({
      name: 'Narrator',
      lang: 'en',
      referenceScript: ref.script,
      audio: createReadStream(ref.file),
      filename: 'narrator.wav',
    });
    expect(accepted.speaker_id).toMatch(/^spk_/);
    const job = await client.waitForJob(accepted.job_id, { onEvent: (e) => events.push(e.type) });
    expect(job).toMatchObject({ id: accepted.job_id, status: 'succeeded' });
    expect(events.at(-1)).toBe('succeeded');
    speakerId = accepted.speaker_id;
    const speaker = await client.getSpeaker(speakerId);
    expect(speaker).toMatchObject({ id: speakerId, name: 'Narrator', status: 'ready', lang: 'en' });
    const page = await client.listSpeakers({ page: 1, page_size: 10 });
    expect(page.items.map((s) => s.id)).toContain(speakerId);
  });

  it('synthesizes, waits and downloads the audio whole, as a byte range and to a file', async () => {
    const { job_id } = await client.synthesize({
      script: [
        { speaker_id: speakerId, text: 'Good morning. The client library is speaking now.' },
        { voice: 'builtin-en', text: 'And the built-in voice answers.' },
      ],
      output_format: 'mp3',
      caption_format: 'vtt',
    });
    const job = await client.waitForSuccess(job_id);
    const result = VoiceReelClient.synthesisResult(job);
    expect(result.captions).toHaveLength(2);
    const whole = await client.downloadBytes(result.audio_url!);
    const res = await client.download(result.audio_url!, { range: { start: 100, end: 1099 } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 100-1099/${whole.length}`);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(whole.slice(100, 1100));
    const file = fixturePath('client-download.mp3');
    expect(await client.downloadToFile(result.audio_url!, file)).toBe(whole.length);
    expect(readFileSync(file)).toEqual(Buffer.from(whole));
    expect(ffprobe(file)).toMatchObject({ codec: 'mp3' });
    expect(Math.abs(ffprobe(file).duration - result.duration)).toBeLessThan(0.1);
    const vtt = new TextDecoder().decode(await client.downloadBytes(result.caption_url!));
    expect(vtt).toMatch(/^WEBVTT/);
  });

  it('throws the one error shape as a typed VoiceReelError', async () => {
    const missing = await rejection(client.getJob('job_00000000000000000000000000'));
    expect(missing).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(missing.requestId).toMatch(/^req_/);
    const bad = await rejection(client.synthesize({ script: [] }));
    expect(bad).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
    expect(bad.message).not.toBe('');
    const stranger = new VoiceReelClient({ url: server.url, apiKey: 'vr_not_a_key_0000000000000000' });
    expect(await rejection(stranger.listVoices())).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('signs requests (HMAC) for JSON, uploads and polling, and a wrong key fails as UNAUTHORIZED', async () => {
    const created = await client.createKey({ name: 'signer', project: 'default' });
    expect(created.key).toMatch(/^vr_/);
    expect((await client.listKeys()).items.map((k) => k.id)).toContain(created.id);
    const signer = new VoiceReelClient({ url: server.url, apiKey: created.key, keyId: created.id });
    const voices = await signer.listVoices('en');
    expect(voices.items.map((v) => v.id)).toContain('builtin-en');
    // Polls in quick succession sign the same request: each must still be a fresh signature.
    const { job_id } = await signer.synthesize({
      script: [{ voice: 'builtin-en', text: 'Signed and sealed.' }],
    });
    const job: Job = await signer.waitForJob(job_id, { pollIntervalMs: 100 });
    expect(job.status).toBe('succeeded');
    expect((job.result as SynthesisResult).format).toBe('wav');
    // A signed multipart upload (declared body hash) reaches the audio check: junk audio is refused as such.
    const junk = Buffer.from('RIFF....WAVEfmt this is not audio at all'.repeat(50));
    const upload = signer.registerSpeaker({
      name: 'junk',
      lang: 'en',
      referenceScript: 'hello',
      audio: junk,
    });
    expect(await rejection(upload)).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA' });

    const forger = new VoiceReelClient({
      url: server.url,
      apiKey: 'vr_wrong_secret_000000000000',
      keyId: created.id,
    });
    const refused = await rejection(forger.listSpeakers());
    expect(refused).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    await client.revokeKey(created.id);
    expect(await rejection(signer.listVoices())).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('reads usage and deletes a speaker', async () => {
    const usage = await client.usage();
    expect(usage.total.registrations).toBeGreaterThanOrEqual(1);
    await client.deleteSpeaker(speakerId);
    expect(await rejection(client.getSpeaker(speakerId))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('cancels a job it started', async () => {
    const { job_id } = await client.synthesize({
      script: Array.from({ length: 20 }, () => ({ voice: 'builtin-en', text: 'A long script to cancel.' })),
    });
    await client.cancelJob(job_id);
    const job = await client.getJob(job_id).catch((e: unknown) => e);
    if (job instanceof VoiceReelError) expect(job.code).toBe('NOT_FOUND');
    else expect((job as Job).status).toBe('canceled');
  });
});
