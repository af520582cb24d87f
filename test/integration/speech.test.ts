import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../helpers/api.js';
import { librivoxReference } from '../helpers/fixtures.js';
import { removeDir, startServer, type TestServer } from '../helpers/server.js';

/** Issue 11 item 2: POST /v1/audio/speech through the official openai client, on the real server. */
const SHORT = 'Hello from VoiceReel. This answer is streamed. Every sentence leaves when it is done.';
const MAX = 400;

let server: TestServer;
let client: OpenAI;
let api: Api;
let tmp: string;

beforeAll(async () => {
  server = await startServer({ config: `[limits]\nmax_speech_chars = ${MAX}\n` });
  client = new OpenAI({ apiKey: server.adminKey, baseURL: `${server.url}/v1`, maxRetries: 0 });
  api = new Api(server.url, server.adminKey);
  tmp = mkdtempSync(join(tmpdir(), 'vr-speech-'));
}, 90_000);
afterAll(async () => {
  await server?.stop();
  removeDir(server?.dataDir ?? '');
  removeDir(tmp ?? '');
});

function save(name: string, bytes: Uint8Array): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

function probe(path: string, args: string[] = []): { format: string; duration: number; rate: number } {
  const out = spawnSync(
    'ffprobe',
    [
      '-v',
      'error',
      ...args,
      '-i',
      path,
      '-show_entries',
      'format=format_name,duration:stream=sample_rate',
      '-of',
      'json',
    ],
    { encoding: 'utf8' },
  );
  const j = JSON.parse(out.stdout) as {
    format: { format_name: string; duration: string };
    streams: Array<{ sample_rate: string }>;
  };
  return {
    format: j.format.format_name,
    duration: Number(j.format.duration),
    rate: Number(j.streams[0]?.sample_rate),
  };
}

/** Decoded length by ffmpeg (not the header's claim). */
function decodedSeconds(path: string, input: string[] = []): number {
  const out = spawnSync(
    'ffmpeg',
    ['-v', 'error', ...input, '-i', path, '-ac', '1', '-f', 's16le', '-ar', '24000', '-'],
    {
      maxBuffer: 64 << 20,
    },
  );
  return out.stdout.byteLength / 2 / 24000;
}

async function characters(): Promise<number> {
  return (await api.client.usage()).total.characters;
}

describe('POST /v1/audio/speech (openai client)', () => {
  let whole: number;

  it('answers mp3 to audio.speech.create with a Bearer key, counting the characters', async () => {
    const before = await characters();
    const res = await client.audio.speech.create({
      model: 'tts-1',
      voice: 'builtin-en' as 'alloy',
      input: SHORT,
      response_format: 'mp3',
    });
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    const path = save('whole.mp3', new Uint8Array(await res.arrayBuffer()));
    const p = probe(path);
    expect(p.format).toBe('mp3');
    expect(p.rate).toBe(24000);
    whole = decodedSeconds(path);
    expect(whole).toBeGreaterThan(2);
    expect((await characters()) - before).toBe(SHORT.length);
  });

  it('streams: the first chunk arrives before the answer ends, and the chunks decode to the same audio', async () => {
    const response = await client.audio.speech
      .create({ model: 'tts-1', voice: 'builtin-en' as 'alloy', input: SHORT, response_format: 'mp3' })
      .asResponse();
    const reader = response.body!.getReader();
    const chunks: Uint8Array[] = [];
    const start = performance.now();
    let firstAt = 0;
    let readsAfterFirst = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (chunks.length === 0) firstAt = performance.now() - start;
      else readsAfterFirst++;
      chunks.push(value);
    }
    const total = performance.now() - start;
    expect(readsAfterFirst).toBeGreaterThan(0); // the response was still open after the first chunk
    expect(firstAt).toBeLessThan(total);
    const path = save('streamed.mp3', new Uint8Array(Buffer.concat(chunks)));
    expect(probe(path).format).toBe('mp3');
    expect(Math.abs(decodedSeconds(path) - whole)).toBeLessThan(0.1);
  });

  it('answers wav (open-ended sizes) and raw 24 kHz pcm that sox and ffprobe read', async () => {
    const wav = await client.audio.speech.create({
      model: 'voicereel',
      voice: 'builtin-en' as 'alloy',
      input: SHORT,
      response_format: 'wav',
    });
    const wavPath = save('a.wav', new Uint8Array(await wav.arrayBuffer()));
    expect(probe(wavPath).format).toBe('wav');
    const stat = spawnSync('sox', [wavPath, '-n', 'stat'], { encoding: 'utf8' }).stderr;
    const soxSeconds = Number(/Length \(seconds\):\s+([\d.]+)/.exec(stat)?.[1]);
    expect(Math.abs(soxSeconds - decodedSeconds(wavPath))).toBeLessThan(0.001);

    const pcm = await client.audio.speech.create({
      model: 'tts-1',
      voice: 'builtin-en' as 'alloy',
      input: SHORT,
      response_format: 'pcm',
    });
    const bytes = new Uint8Array(await pcm.arrayBuffer());
    expect(bytes.length % 2).toBe(0);
    const pcmPath = save('a.pcm', bytes);
    const pcmSeconds = decodedSeconds(pcmPath, ['-f', 's16le', '-ar', '24000', '-ac', '1']);
    expect(pcmSeconds).toBeCloseTo(bytes.length / 2 / 24000, 3);
    // The same voice and text: wav and pcm carry the same samples (wav has a 44-byte header).
    expect(Math.abs(pcmSeconds - soxSeconds)).toBeLessThan(0.001);
    expect(Math.abs(pcmSeconds - whole)).toBeLessThan(0.1);
  });

  it("maps OpenAI's voice names to the built-in voice of the input's language", async () => {
    const res = await client.audio.speech.create({
      model: 'tts-1',
      voice: 'alloy',
      input: '안녕하세요. 반갑습니다.',
    });
    const p = probe(save('ko.mp3', new Uint8Array(await res.arrayBuffer())));
    expect(p.format).toBe('mp3');
    expect(p.duration).toBeGreaterThan(0.5);
  });

  it('refuses a too-long input, pointing to /v1/synthesize, and counts nothing', async () => {
    const before = await characters();
    const err = await client.audio.speech
      .create({ model: 'tts-1', voice: 'alloy', input: 'word '.repeat(MAX) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const e = err as InstanceType<typeof OpenAI.BadRequestError>;
    expect(e.status).toBe(400);
    expect(e.message).toContain('/v1/synthesize');
    expect((e.error as { details: { use: string } }).details.use).toBe('/v1/synthesize');
    expect(await characters()).toBe(before);
  });

  it('refuses an unknown voice, an unsupported format and a speed outside 0.5-2 with 400', async () => {
    const fail = (body: Record<string, unknown>) =>
      client.audio.speech
        .create({ model: 'tts-1', voice: 'alloy', input: 'Hi.', ...body } as Parameters<
          typeof client.audio.speech.create
        >[0])
        .then(
          () => undefined,
          (e: unknown) => e as InstanceType<typeof OpenAI.BadRequestError>,
        );
    const voice = await fail({ voice: 'nobody-at-all' });
    expect(voice?.status).toBe(400);
    expect((voice?.error as { details: { field: string } }).details.field).toBe('voice');
    const format = await fail({ response_format: 'opus' });
    expect(format?.status).toBe(400);
    expect(format?.message).toContain('mp3, wav, pcm');
    expect((await fail({ speed: 4 }))?.status).toBe(400);
  });

  it('refuses a wrong key with 401', async () => {
    const stranger = new OpenAI({ apiKey: 'vr_wrong', baseURL: `${server.url}/v1`, maxRetries: 0 });
    const err = await stranger.audio.speech
      .create({ model: 'tts-1', voice: 'alloy', input: 'Hi.' })
      .catch((e) => e);
    expect((err as { status: number }).status).toBe(401);
  });

  it('sends server-sent events with base64 chunks and a done event when asked', async () => {
    const res = await fetch(`${server.url}/v1/audio/speech`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.adminKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'tts-1', voice: 'builtin-en', input: SHORT, stream_format: 'sse' }),
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = (await res.text())
      .split('\n\n')
      .filter((e) => e.startsWith('data: '))
      .map((e) => JSON.parse(e.slice(6)) as { type: string; audio?: string });
    expect(events.at(-1)?.type).toBe('speech.audio.done');
    const deltas = events.filter((e) => e.type === 'speech.audio.delta');
    expect(deltas.length).toBeGreaterThan(1);
    const path = save(
      'sse.mp3',
      new Uint8Array(Buffer.concat(deltas.map((d) => Buffer.from(d.audio!, 'base64')))),
    );
    expect(Math.abs(decodedSeconds(path) - whole)).toBeLessThan(0.1);
  });

  it('stops synthesizing when the client goes away, counting only what was sent', async () => {
    const before = await characters();
    const long = Array.from({ length: 12 }, (_, i) => `Sentence number ${i + 1}.`).join(' ');
    // A raw socket closed after the first bytes: the client is gone, not just paused.
    await new Promise<void>((resolve, reject) => {
      const req = request(`${server.url}/v1/audio/speech`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${server.adminKey}`, 'Content-Type': 'application/json' },
      });
      req.on('response', (res) => {
        expect(res.statusCode).toBe(200);
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', reject);
      req.end(JSON.stringify({ model: 'tts-1', voice: 'builtin-en', input: long, response_format: 'pcm' }));
    });
    // The server records usage once the stream is torn down; poll briefly for it.
    let counted = 0;
    for (let i = 0; i < 50 && counted === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      counted = (await characters()) - before;
    }
    expect(counted).toBeGreaterThan(0);
    expect(counted).toBeLessThan(long.length / 2);
  });

  it("speaks in a registered speaker's voice, for its own project only", async () => {
    const { file, script } = librivoxReference();
    const { speakerId } = await api.readySpeaker({ name: 'Narrator', lang: 'en', script, file }, 60_000);
    const res = await client.audio.speech.create({
      model: 'tts-1',
      voice: speakerId as 'alloy',
      input: SHORT,
      response_format: 'wav',
    });
    const p = probe(save('speaker.wav', new Uint8Array(await res.arrayBuffer())));
    expect(p.format).toBe('wav');
    expect(p.duration).toBeGreaterThan(2);

    const created = await api.client.createKey({ name: 'elsewhere', project: 'elsewhere' });
    expect(api.lastStatus).toBe(201);
    const stranger = new OpenAI({ apiKey: created.key, baseURL: `${server.url}/v1`, maxRetries: 0 });
    const err = await stranger.audio.speech
      .create({ model: 'tts-1', voice: speakerId as 'alloy', input: SHORT })
      .catch((e: unknown) => e as InstanceType<typeof OpenAI.BadRequestError>);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).message).toContain('voice');
  });
});
