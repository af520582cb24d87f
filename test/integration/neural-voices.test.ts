import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CaptionUnit } from '../../src/captions/types.js';
import type { WordTiming } from '../../src/engine/types.js';
import type { ScriptLine, SynthesizeRequest } from '../../src/client/index.js';
import { Api } from '../helpers/api.js';
import { cli } from '../helpers/cli.js';
import { expectErrorShape } from '../helpers/expect.js';
import { espeakReference, ffprobe, fixturePath } from '../helpers/fixtures.js';
import { writeKokoroPack, writePiperPack } from '../helpers/packs.js';
import { type AppServer, startApp } from '../helpers/app.js';
import { removeDir, startServer } from '../helpers/server.js';
import { ffmpegDecode, toneFrequency as frequency } from '../helpers/signal.js';

/**
 * Neural voices end to end: packs built around graphs with Piper's and Kokoro's exact signatures
 * (whose audio is a known function of their inputs), installed with the CLI, served by the server
 * (run inside the test process), asked for through the HTTP API. The tones say which voice and style
 * reached the model; the lengths say which speed did. A GPU that stops start-up is tested on the real
 * process: its exit code and message are the subject.
 */
/** The JSON captions' unit; every unit here has its words. */
type Unit = CaptionUnit & { words: WordTiming[] };
interface Voice {
  id: string;
  engine: string;
  lang: string;
  language: string;
  sample_rate: number;
  pack?: { name: string; version: string; license: string };
  profile?: { medianF0: number; syllableRate: number };
}

const CONFIG = `
[limits]
min_reference_speech_seconds = 5
[engine]
workers = 2
`;

let server: AppServer;
let api: Api;
let dataDir: string;
const temp: string[] = [];

beforeAll(async () => {
  const work = fixturePath(`neural-${process.pid}`);
  temp.push(work);
  dataDir = join(work, 'data');
  const piper = writePiperPack(join(work, 'piper'), { speakers: 3 });
  const kokoro = writeKokoroPack(join(work, 'kokoro'));
  for (const pack of [piper, kokoro]) {
    const r = await cli(['models', 'install', pack, '--data-dir', dataDir]);
    expect(r.code, r.stderr).toBe(0);
  }
  server = await startApp({ dataDir, config: CONFIG });
  api = new Api(server.url, server.adminKey);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  temp.forEach(removeDir);
});

/** GET /v1/voices through the client, in the measured shape these tests read. */
const voiceList = async (lang?: string) => (await api.client.listVoices(lang)).items as Voice[];

async function synthesize(script: unknown[], sample_rate = 24000) {
  const { job_id } = await api.client.synthesize({
    script: script as ScriptLine[],
    output_format: 'wav',
    sample_rate: sample_rate as SynthesizeRequest['sample_rate'],
    caption_format: 'json',
  });
  expect(api.lastStatus).toBe(202);
  const job = await api.client.waitForJob(job_id);
  expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
  const result = job.result as { audio_url: string; captions: Unit[]; sample_rate: number };
  const file = fixturePath(`${job_id}.wav`);
  await api.client.downloadToFile(result.audio_url, file);
  const samples = ffmpegDecode(file, sample_rate);
  const segment = (u: Unit) =>
    samples.subarray(Math.round(u.start * sample_rate), Math.round(u.end * sample_rate));
  return { file, result, segment };
}

describe('neural voices from installed model packs', () => {
  it('GET /v1/voices lists the packs’ preset voices after the built-in ones, measured', async () => {
    const body = { items: await voiceList() };
    expect(api.lastStatus).toBe(200);
    expect(body.items.map((v) => v.id)).toEqual([
      'builtin-ko',
      'builtin-en',
      'builtin-ja',
      'kokoro-test:af_one',
      'kokoro-test:am_two',
      'piper-test:s0',
      'piper-test:s1',
      'piper-test:s2',
    ]);
    const s1 = body.items.find((v) => v.id === 'piper-test:s1')!;
    expect(s1).toMatchObject({
      engine: 'piper',
      lang: 'en',
      language: 'en',
      sample_rate: 22050,
      pack: { name: 'piper-test', version: '1.0.0', license: 'MIT' },
    });
    // Measured by speaking the calibration text in that voice: s1's tone is 300 Hz.
    expect(s1.profile!.medianF0).toBeGreaterThan(285);
    expect(s1.profile!.medianF0).toBeLessThan(315);
    const am = body.items.find((v) => v.id === 'kokoro-test:am_two')!;
    expect(am).toMatchObject({ engine: 'kokoro', lang: 'en-US', language: 'en', sample_rate: 24000 });
    expect((await voiceList('ja')).map((v) => v.id)).toEqual(['builtin-ja']);
  });

  it('script lines name preset voices: speaker, style, speed, sample rate and word timings reach the audio', async () => {
    const { file, result, segment } = await synthesize([
      { voice: 'piper-test:s2', text: 'Hello world.' },
      { voice: 'kokoro-test:am_two', text: 'Hello there, world.' },
      { voice: 'kokoro-test:am_two', text: 'Hello there, world.', speed: 2 },
      { voice: 'kokoro-test:af_one', text: 'Goodbye.' },
    ]);
    expect(ffprobe(file)).toMatchObject({ sampleRate: 24000, channels: 1 });
    const [piper, kokoro, fast, other] = result.captions as [Unit, Unit, Unit, Unit];
    expect(piper).toMatchObject({ speaker: 'piper-test:s2', speaker_name: 's2', text: 'Hello world.' });
    // sid 2 → 400 Hz (× 1.001 for the BOS id 1 first in the input); resampled 22050 → 24000 Hz.
    expect(frequency(segment(piper), 24000)).toBeCloseTo(400.4, -1);
    // Kokoro's style rows: am_two → 150 + 1000 · 0.1 Hz; af_one → 150 + 1000 · 0.05 Hz.
    expect(frequency(segment(kokoro), 24000)).toBeCloseTo(250, -1);
    expect(frequency(segment(other), 24000)).toBeCloseTo(200, -1);
    // speed 2 halves every token's frames: the line takes half the time, words keep their places.
    const len = (u: Unit) => u.end - u.start;
    expect(len(kokoro) / len(fast)).toBeGreaterThan(1.96);
    expect(len(kokoro) / len(fast)).toBeLessThan(2.04);
    expect(kokoro.words.map((w) => w.text)).toEqual(['Hello', 'there,', 'world.']);
    kokoro.words.forEach((w, i) => {
      const f = fast.words[i]!;
      expect((f.start - fast.start) / len(fast)).toBeCloseTo((w.start - kokoro.start) / len(kokoro), 2);
    });
    for (const u of result.captions) {
      expect(u.words[0]!.start).toBeGreaterThanOrEqual(u.start - 0.001);
      expect(u.words[u.words.length - 1]!.end).toBeLessThanOrEqual(u.end + 0.001);
      for (let i = 1; i < u.words.length; i++)
        expect(u.words[i]!.start).toBeGreaterThanOrEqual(u.words[i - 1]!.end - 0.001);
    }
    // The pause after "there," is in the phonemes (a comma symbol): "world." starts after it.
    expect(kokoro.words[2]!.start).toBeGreaterThan(kokoro.words[1]!.end - 0.001);
  });

  it('a registered speaker is served by the closest preset voice, and the speaker record says which', async () => {
    const text =
      'The quarterly numbers look strong, and the team delivered every milestone on time this year. ';
    const low = espeakReference('neural-low', 'en+m3', text, 3, 5, 160);
    const high = espeakReference('neural-high', 'en+f3', text, 3, 95, 160);
    const ids: Record<string, string> = {};
    for (const [name, ref] of [
      ['Low', low],
      ['High', high],
    ] as const) {
      ids[name] = (await api.readySpeaker({ name, lang: 'en', ...ref })).speakerId;
    }
    const voices = await voiceList();
    const f0 = (id: string) => voices.find((v) => v.id === id)!.profile!.medianF0;
    const view = async (id: string) =>
      (
        await api.json<{
          profile: { medianF0: number };
          voice: {
            engine: string;
            voice: string;
            blend?: Array<{ voice: string; weight: number }>;
            speed: number;
          };
        }>('GET', `/v1/speakers/${id}`)
      ).body;
    const lowView = await view(ids.Low!);
    const highView = await view(ids.High!);
    // The low voice gets one of the two lowest presets (200 Hz), the high one a higher preset.
    expect(['kokoro-test:af_one', 'piper-test:s0']).toContain(lowView.voice.voice);
    expect(f0(highView.voice.voice)).toBeGreaterThan(f0(lowView.voice.voice) + 20);
    for (const v of [lowView.voice, highView.voice]) {
      expect(v.speed).toBeGreaterThanOrEqual(0.8);
      expect(v.speed).toBeLessThanOrEqual(1.25);
      expect(v.engine).toBe(v.voice.split(':')[0] === 'kokoro-test' ? 'kokoro' : 'piper');
    }
    // The serving voice is what speaks: its tone (a Kokoro blend mixes the style rows by weight).
    const { result, segment } = await synthesize([
      { speaker_id: ids.Low, text: 'Hello world.' },
      { speaker_id: ids.High, text: 'Hello world.' },
    ]);
    const tone = (v: typeof lowView.voice) => {
      if (v.engine === 'piper') return f0(v.voice);
      const blend = v.blend ?? [{ voice: v.voice, weight: 1 }];
      const style0: Record<string, number> = { 'kokoro-test:af_one': 0.05, 'kokoro-test:am_two': 0.1 };
      return 150 + 1000 * blend.reduce((a, b) => a + b.weight * style0[b.voice]!, 0);
    };
    const [lowUnit, highUnit] = result.captions as [Unit, Unit];
    expect(lowUnit.speaker_name).toBe('Low');
    expect(Math.abs(frequency(segment(lowUnit), 24000) / tone(lowView.voice) - 1)).toBeLessThan(0.03);
    expect(Math.abs(frequency(segment(highUnit), 24000) / tone(highView.voice) - 1)).toBeLessThan(0.03);
  });

  it('refuses unknown voices, a line naming both a speaker and a voice, and speeds out of range', async () => {
    const cases: Array<[unknown, string]> = [
      [{ voice: 'kokoro-test:nobody', text: 'Hi.' }, 'script[0].voice'],
      [{ voice: 'builtin-en', speaker_id: 'spk_x', text: 'Hi.' }, 'script[0]'],
      [{ voice: 'builtin-en', text: 'Hi.', speed: 3 }, 'script[0].speed'],
      [{ text: 'Hi.' }, 'script[0].speaker_id'],
    ];
    for (const [line, field] of cases) {
      const res = await api.json('POST', '/v1/synthesize', { script: [line] });
      expect(res.status).toBe(400);
      expectErrorShape(res.body, 'INVALID_INPUT');
      expect((res.body as { error: { details: { field: string } } }).error.details.field).toBe(field);
    }
    // builtin-xx names the built-in engine's default voice; speed reaches it as eSpeak's rate.
    const text = 'Plain and simple, said twice over.';
    const { result } = await synthesize([
      { voice: 'builtin-en', text },
      { voice: 'builtin-en', text, speed: 1.6 },
    ]);
    const [normal, fast] = result.captions as [Unit, Unit];
    expect(normal.speaker_name).toBe('Built-in en');
    expect((normal.end - normal.start) / (fast.end - fast.start)).toBeGreaterThan(1.3);
  });

  it('after a restart, a pack altered on disk is refused and preset profiles come from the cache', async () => {
    await server.stop();
    const model = join(dataDir, 'models', 'kokoro-test-1.0.0', 'kokoro.onnx');
    const bytes = readFileSync(model);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    writeFileSync(model, bytes);
    server = await startApp({ dataDir, config: CONFIG, adminKey: server.adminKey });
    api = new Api(server.url, server.adminKey);
    const ids = (await voiceList()).map((v) => v.id);
    expect(ids).toContain('piper-test:s0');
    expect(ids.some((id) => id.startsWith('kokoro-test:'))).toBe(false);
    const logs = server.logs.join('\n');
    expect(logs).toContain('model pack refused: it does not verify');
    expect(logs).toContain('kokoro.onnx');
    expect(logs).not.toContain('preset voices measured');
  });

  it('a configured GPU that cannot be used stops start-up naming what is missing; doctor says the same', async () => {
    const dir = fixturePath(`neural-cuda-${process.pid}`);
    mkdirSync(join(dir, 'data'), { recursive: true });
    temp.push(dir);
    const toml = '[engine]\ndevices = ["cuda:0"]\n';
    await expect(startServer({ dataDir: join(dir, 'data'), config: toml })).rejects.toThrow(
      /server exited with 2[\s\S]*engine\.devices lists cuda:0, but CUDA cannot run here[\s\S]*libonnxruntime_providers_cuda\.so[\s\S]*libcudnn\.so\.9/,
    );
    const file = join(dir, 'cuda.toml');
    writeFileSync(file, toml);
    const r = await cli(['doctor', '--json', '--config', file, '--data-dir', join(dir, 'data')]);
    expect(r.code).toBe(1);
    const devices = (
      JSON.parse(r.stdout) as { checks: Array<{ id: string; status: string; message: string }> }
    ).checks.find((c) => c.id === 'devices')!;
    expect(devices.status).toBe('fail');
    expect(devices.message).toContain('libcudart.so.12');
    expect(devices.message).not.toContain('\n');
  });

  it('a worker that dies under a line is replaced and the line retried once: the job still succeeds', async () => {
    const dir = fixturePath(`neural-crash-${process.pid}`);
    mkdirSync(join(dir, 'data'), { recursive: true });
    temp.push(dir);
    const marker = join(dir, 'crashed');
    // Worker threads copy the environment as they start: the marker reaches this server's workers only.
    vi.stubEnv('VR_TEST_CRASH_WORKER_ONCE', marker);
    const crashy = await startApp({ dataDir: join(dir, 'data'), config: '[engine]\nworkers = 1\n' }).finally(
      () => vi.unstubAllEnvs(),
    );
    try {
      const client = new Api(crashy.url, crashy.adminKey);
      const res = await client.client.synthesize({
        script: [{ voice: 'builtin-en', text: 'Still here after a crash.' }],
      });
      expect(client.lastStatus).toBe(202);
      const job = await client.client.waitForJob(res.job_id);
      expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
      expect(existsSync(marker)).toBe(true);
      expect(crashy.logs.join('\n')).toContain('engine worker died; replaced, task retried once');
      // The replacement keeps serving.
      const again = await client.client.synthesize({ script: [{ voice: 'builtin-en', text: 'And again.' }] });
      expect((await client.client.waitForJob(again.job_id)).status).toBe('succeeded');
      expect((await fetch(`${crashy.url}/readyz`)).status).toBe(200);
    } finally {
      await crashy.stop();
    }
  });
});
