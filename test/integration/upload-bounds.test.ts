import { execFileSync } from 'node:child_process';
import { existsSync, renameSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../helpers/api.js';
import { expectErrorShape } from '../helpers/expect.js';
import { fixturePath, librivoxReference } from '../helpers/fixtures.js';
import { removeDir, startServer, type TestServer } from '../helpers/server.js';
import { storedObjects } from '../helpers/backend.js';

/**
 * Uploads that decode to hours, and fair sharing of the analysis thread, through the real server.
 * A low-rate recording (8-bit WAV, 8 kbit/s MP3: about 1 ms of audio per byte) is refused from its
 * headers with 400 INVALID_INPUT naming max_reference_seconds, at once, even while the analysis
 * thread is busy; one project's heavy uploads neither hold another project's registration behind
 * them nor pile up (its third concurrent upload gets 429 with Retry-After: its own share is in use).
 */

const CONFIG = [
  '[engine]',
  'workers = 1',
  'analysis_workers = 1',
  '[jobs]',
  'concurrency = 1',
  '[limits]',
  'max_reference_seconds = 300',
  'analysis_per_project = 2',
  'analysis_queue_max_depth = 8',
].join('\n');

let server: TestServer | undefined;
let admin: Api;
const keys: Record<'heavy' | 'normal', Api> = {} as never;

type ErrorBody = {
  error: { code: string; message: string; details?: Record<string, unknown> };
  request_id: string;
};

/** A mono 8-bit tone of `seconds` at `rate` Hz: 1 byte per sample. */
function tone8bit(seconds: number, rate: number): string {
  const file = fixturePath(`tone-${seconds}s-8bit-${rate}.wav`);
  const format = ['-r', String(rate), '-b', '8', '-e', 'unsigned-integer', '-c', '1'];
  if (!existsSync(file))
    execFileSync('sox', ['-n', ...format, file, 'synth', String(seconds), 'sine', '200']);
  return file;
}

/** 20 minutes at 8 kbit/s, 8 kHz (MPEG-2.5 layer III): 1.2 MB. */
function lowRateMp3(): string {
  const file = fixturePath('tone-1200s-8kbps.mp3');
  if (!existsSync(file)) {
    const tone = 'sine=frequency=300:duration=1200:sample_rate=8000';
    const part = `${file}.part.mp3`;
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', tone, '-ac', '1', '-b:a', '8k', part]);
    renameSync(part, file);
  }
  return file;
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${server!.url}/metrics`)).text();
  const m = new RegExp(`^${name}\\{pool="analysis"\\} (\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

async function until(cond: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 40));
  }
}

let files: { longWav: string; lowRateWav: string; longMp3: string; heavy: Ref; normal: Ref };
type Ref = { file: string; script: string };

beforeAll(async () => {
  // Made before the server starts: seconds of sox and ffmpeg between requests would outlast the
  // server's keep-alive, and the client would write into a closed connection.
  files = {
    longWav: tone8bit(786, 8000),
    lowRateWav: tone8bit(2000, 1000),
    longMp3: lowRateMp3(),
    // About 272 s at 44.1 kHz (24 MB): each inspection holds the only analysis thread for seconds.
    heavy: librivoxReference(11, 44100),
    normal: librivoxReference(),
  };
  server = await startServer({ config: CONFIG });
  admin = new Api(server.url, server.adminKey);
  for (const name of ['heavy', 'normal'] as const) {
    keys[name] = await admin.keyApi(name, `tenant-${name}`);
  }
});

afterAll(async () => {
  await server?.kill();
  if (server) removeDir(server.dataDir);
});

describe('uploads that decode to hours', () => {
  it('refuses 8-bit and 8 kbit/s recordings from their headers with 400 and the limit, storing nothing', async () => {
    const cases = [
      {
        file: files.longWav,
        limit: 'max_reference_seconds',
      },
      { file: files.longMp3, limit: 'max_reference_seconds' },
      {
        file: files.lowRateWav,
        limit: 'min_sample_rate',
      },
    ];
    for (const c of cases) {
      const started = Date.now();
      const res = await keys.heavy.registerSpeaker({
        name: 'Long',
        lang: 'en',
        script: 'Hello there.',
        file: c.file,
      });
      const ms = Date.now() - started;
      expect(res.status, c.file).toBe(400);
      expectErrorShape(res.body, 'INVALID_INPUT');
      const details = (res.body as ErrorBody).error.details;
      expect(details, c.file).toMatchObject({ field: 'reference_audio', limit: c.limit });
      if (c.limit === 'max_reference_seconds') {
        expect(details).toMatchObject({ max_seconds: 300 });
        expect(details!.duration_seconds as number).toBeGreaterThan(300);
      } else {
        expect(details).toMatchObject({ min_sample_rate: 8000, sample_rate: 1000 });
      }
      expect(ms, `${c.file} answered in ${ms} ms`).toBeLessThan(10_000);
    }
    expect((await keys.heavy.json<{ total: number }>('GET', '/v1/speakers')).body.total).toBe(0);
    expect(await storedObjects(server!.dataDir, 'references')).toEqual([]);
  }, 120_000);
});

describe("one project's heavy uploads and another project's registration", () => {
  it('answers the other project in turn, refuses the heavy project past its share, and refuses a long file at once', async () => {
    const { heavy, normal } = files;
    const answered: string[] = [];
    const register = (who: 'heavy' | 'normal', label: string, ref: Ref) =>
      keys[who].registerSpeaker({ name: label, lang: 'en', ...ref }).then((res) => {
        answered.push(label);
        return res;
      });

    const a1 = register('heavy', 'a1', heavy);
    // a2 is sent once a1 is on the analysis thread, so the two cannot arrive the other way round.
    await until(async () => (await metric('voicereel_workers_busy')) === 1, 60_000);
    const a2 = register('heavy', 'a2', heavy);
    // a1 on the analysis thread, a2 waiting for it.
    await until(
      async () =>
        (await metric('voicereel_workers_busy')) === 1 &&
        (await metric('voicereel_worker_tasks_queued')) === 1,
      60_000,
    );
    const started = Date.now();
    const [a3, b, tooLong] = await Promise.all([
      register('heavy', 'a3', normal),
      register('normal', 'b', normal),
      register('heavy', 'too-long', { file: files.longMp3, script: 'Hello there.' }),
    ]);

    // The heavy project already has two analyses in hand: its third upload is refused, not queued.
    expect(a3.status).toBe(429);
    expectErrorShape(a3.body, 'RATE_LIMITED');
    expect((a3.body as ErrorBody).error.details).toEqual({ limit: 'analysis_per_project', max: 2 });
    // A file the headers show is too long never waits for the busy thread.
    expect(tooLong.status).toBe(400);
    expect((tooLong.body as ErrorBody).error.details).toMatchObject({ limit: 'max_reference_seconds' });
    expect(answered.indexOf('too-long')).toBeLessThan(answered.indexOf('b'));
    expect(answered.indexOf('a3')).toBeLessThan(answered.indexOf('b'));

    // The other project went next after a1, ahead of a2 which had been waiting longer.
    expect(b.status, JSON.stringify(b.body)).toBe(202);
    const [r1, r2] = await Promise.all([a1, a2]);
    expect([r1.status, r2.status]).toEqual([202, 202]);
    expect(answered.filter((l) => ['a1', 'a2', 'b'].includes(l))).toEqual(['a1', 'b', 'a2']);
    expect(Date.now() - started).toBeLessThan(120_000);

    // ...and its registration completes while the heavy project's analyses are still going on.
    const job = await keys.normal.waitJob(b.body.job_id as string, 120_000);
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    const spk = await keys.normal.json<{ status: string }>(
      'GET',
      `/v1/speakers/${String(b.body.speaker_id)}`,
    );
    expect(spk.body.status).toBe('ready');
  }, 240_000);
});
