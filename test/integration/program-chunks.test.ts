import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../helpers/api.js';
import { ffmpegSamples, lagOf, snrDb } from '../helpers/audio-fixtures.js';
import { removeDir, startServer, type TestServer } from '../helpers/server.js';

/**
 * A job's programme is mixed and encoded in chunks on both synthesis threads while its lines are
 * rendered, and the MP3 chunks are joined frame by frame. Decoded, the MP3 must be the WAV of the
 * same job: the same length to the sample, every line in the same place (no drift from join to
 * join), silence in every pause (no click at a join) and captions that are the same.
 */
describe('a programme encoded in chunks', () => {
  let server: TestServer;
  let api: Api;
  beforeAll(async () => {
    server = await startServer({ config: '[engine]\nworkers = 2\n' });
    api = new Api(server.url, server.adminKey);
  });
  afterAll(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  const LINES = [
    ['builtin-en', 'Good morning everyone. Shall we go over the schedule for today?'],
    ['builtin-ko', '안녕하세요? 오늘 일정 공유해 드릴게요.'],
    ['builtin-ja', '今日は良い天気ですね。午後に東京へ行きます。'],
    ['builtin-en', 'Thank you. That sounds great.'],
  ] as const;
  const script = Array.from({ length: 12 }, (_, i) => ({ voice: LINES[i % 4]![0], text: LINES[i % 4]![1] }));

  interface Unit {
    start: number;
    end: number;
  }

  async function render(format: 'wav' | 'mp3') {
    const { job_id } = await api.client.synthesize({
      script,
      output_format: format,
      sample_rate: 44100,
      caption_format: 'json',
    });
    const job = await api.client.waitForJob(job_id);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const result = job.result as unknown as { audio_url: string; captions: Unit[]; duration: number };
    const file = join(server.dataDir, `decoded-${format}.${format}`);
    writeFileSync(file, (await api.download(result.audio_url)).bytes);
    return { ...result, samples: ffmpegSamples(file) };
  }

  it('decodes to the WAV of the same job: same length, no drift, no click, same captions', async () => {
    const wav = await render('wav');
    const mp3 = await render('mp3');
    const rate = 44100;
    expect(mp3.captions).toEqual(wav.captions);
    expect(mp3.duration).toBe(wav.duration);
    // The job reports its duration to the millisecond.
    expect(Math.abs(wav.samples.length / rate - wav.duration)).toBeLessThan(0.001);
    expect(mp3.samples.length).toBe(wav.samples.length);

    const a = wav.samples;
    const b = mp3.samples;
    mp3.captions.forEach((u, i) => {
      const from = Math.round(u.start * rate);
      const to = Math.round(u.end * rate);
      expect(lagOf(a, b, from, to), `line ${i} in place`).toBe(0);
      const next = mp3.captions[i + 1];
      if (next) {
        // The pause after the line, where the chunks were cut: silent in the decoded MP3.
        const pause = b.subarray(
          to + Math.round(0.03 * rate),
          Math.round(next.start * rate) - Math.round(0.03 * rate),
        );
        expect(Math.max(...pause.map(Math.abs)), `pause after line ${i}`).toBeLessThan(10 ** (-50 / 20));
      }
    });
    expect(snrDb(a, b)).toBeGreaterThan(15);
  });
});
