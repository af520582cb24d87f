import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../helpers/api.js';
import { fixturePath } from '../helpers/fixtures.js';
import { removeDir, startServer, type TestServer } from '../helpers/server.js';
import { ffmpegDecode } from '../helpers/signal.js';
import { nodeText, parseVtt } from '../helpers/webvtt.js';

interface Word {
  text: string;
  start: number;
  end: number;
}
interface Unit {
  start: number;
  end: number;
  text: string;
  words?: Word[];
}
interface Result {
  audio_url: string;
  caption_url: string;
  duration: number;
  captions: Unit[];
}

const RATE = 24000;
const LINE = '회의는 3시 30분입니다. 사과 2개 주세요.';
const SPOKEN = '회의는 세 시 삼십 분입니다. 사과 두 개 주세요.';
/** What eSpeak says for the digits left to it: Sino-Korean everywhere. */
const DIGIT_READING = '회의는 삼 시 삼십 분입니다. 사과 이 개 주세요.';

let server: TestServer;
let api: Api;

beforeAll(async () => {
  server = await startServer();
  api = new Api(server.url, server.adminKey);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

async function synthesize(text: string, caption_format: 'json' | 'vtt', name: string) {
  const { job_id } = await api.client.synthesize({
    script: [{ voice: 'builtin-ko', text }],
    output_format: 'wav',
    sample_rate: RATE,
    caption_format,
  });
  expect(api.lastStatus).toBe(202);
  const job = await api.client.waitForJob(job_id);
  expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
  const result = job.result as Result;
  const dl = await api.download(result.audio_url);
  expect(dl.status).toBe(200);
  const file = fixturePath(`${name}.wav`);
  writeFileSync(file, dl.bytes);
  return { result, samples: ffmpegDecode(file, RATE) };
}

/** Largest difference between two signals over their common length, plus the length difference. */
function difference(a: Float32Array, b: Float32Array): { peak: number; lengthSeconds: number } {
  let peak = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) peak = Math.max(peak, Math.abs(a[i]! - b[i]!));
  return { peak, lengthSeconds: Math.abs(a.length - b.length) / RATE };
}

describe('script lines are spoken in their normalized form, captioned as written', () => {
  it('says 3시 as 세 시 and 2개 as 두 개, with captions and word times on the written text', async () => {
    const written = await synthesize(LINE, 'json', 'norm-written');
    const unit = written.result.captions[0]!;
    expect(written.result.captions).toHaveLength(1);
    expect(unit.text).toBe(LINE);

    const words = unit.words ?? [];
    expect(words.map((w) => w.text)).toEqual(['회의는', '3시', '30분입니다.', '사과', '2개', '주세요.']);
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      expect(w.end, w.text).toBeGreaterThan(w.start);
      if (i > 0) expect(w.start, w.text).toBeGreaterThanOrEqual(words[i - 1]!.end - 0.001);
    }
    // "세 시" is two syllables with a word break: far longer than one could say a lone digit.
    const hour = words[1]!;
    expect(hour.end - hour.start).toBeGreaterThan(0.25);

    // The engine said exactly the spoken form: the same audio as synthesizing it directly ...
    const direct = await synthesize(SPOKEN, 'json', 'norm-direct');
    const same = difference(written.samples, direct.samples);
    expect(same.lengthSeconds).toBeLessThan(0.005);
    expect(same.peak).toBeLessThan(0.01);
    expect(direct.result.captions[0]!.words!.map((w) => w.text)).toEqual(SPOKEN.split(' '));

    // ... and not the digit-by-digit Sino-Korean reading eSpeak gives on its own.
    const digits = await synthesize(DIGIT_READING, 'json', 'norm-digits');
    const other = difference(written.samples, digits.samples);
    expect(other.lengthSeconds > 0.005 || other.peak > 0.1).toBe(true);
  }, 120_000);

  it('keeps the written digits in WebVTT cues', async () => {
    const { result } = await synthesize(LINE, 'vtt', 'norm-vtt');
    const vtt = await api.download(result.caption_url);
    const parsed = parseVtt(new TextDecoder().decode(vtt.bytes));
    expect(parsed.errors).toEqual([]);
    expect(parsed.cues).toHaveLength(1);
    expect(nodeText(parsed.cues[0]!.tree.children).replace(/\n/g, ' ')).toBe(LINE);
    expect(result.captions[0]!.words!.find((w) => w.text === '3시')).toBeDefined();
  }, 120_000);
});

describe('POST /v1/text/normalize', () => {
  it('previews the spoken form with the written → spoken tokens', async () => {
    const res = await api.client.normalizeText({ lang: 'ko', text: LINE });
    expect(api.lastStatus).toBe(200);
    expect(res.spoken).toBe(SPOKEN);
    expect(res.tokens.map((t) => t.written).join('')).toBe(LINE);
    expect(res.tokens.map((t) => t.spoken).join('')).toBe(SPOKEN);
    expect(res.tokens).toContainEqual({ written: '3시', spoken: '세 시' });
    expect(res.tokens).toContainEqual({ written: '2개', spoken: '두 개' });

    const ja = await api.client.normalizeText({ lang: 'ja', text: '鉛筆が3本あります。' });
    expect(ja.spoken).toBe('鉛筆がさんぼんあります。');
    const en = await api.client.normalizeText({ lang: 'en', text: 'Meet Dr. Smith at 5 p.m.' });
    expect(en.spoken).toBe('Meet Doctor Smith at five P M.');
  });

  it('applies inline lexicon entries before the rules', async () => {
    const res = await api.client.normalizeText({
      lang: 'ko',
      text: 'VoiceReel은 3시에 열립니다.',
      lexicon: [{ grapheme: 'voicereel', alias: '보이스릴' }],
    });
    expect(api.lastStatus).toBe(200);
    expect(res.spoken).toBe('보이스릴은 세 시에 열립니다.');
    const exact = await api.client.normalizeText({
      lang: 'ko',
      text: 'VoiceReel은',
      lexicon: [{ grapheme: 'voicereel', alias: '보이스릴', case_sensitive: true }],
    });
    expect(exact.spoken).not.toContain('보이스릴');
  });

  it('refuses bad input in the error shape, and callers without a key', async () => {
    const cases: Array<[unknown, string]> = [
      [{ lang: 'fr', text: 'bonjour' }, 'lang'],
      [{ lang: 'ko' }, 'text'],
      [{ lang: 'ko', text: 'x'.repeat(5001) }, 'text'],
      [{ lang: 'ko', text: 'a', lexicon: 'x' }, 'lexicon'],
      [{ lang: 'ko', text: 'a', lexicon: [{ grapheme: 'a' }] }, 'lexicon[0].alias'],
      [
        { lang: 'ko', text: 'a', lexicon: [{ grapheme: 'a', alias: 'b', case_sensitive: 'no' }] },
        'lexicon[0].case_sensitive',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await api.json<{
        error: { code: string; details?: { field?: string } };
        request_id: string;
      }>('POST', '/v1/text/normalize', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('INVALID_INPUT');
      expect(res.body.error.details?.field).toBe(field);
      expect(res.body.request_id).toBeTruthy();
    }
    const anon = await new Api(server.url, 'vr_wrong').json('POST', '/v1/text/normalize', {
      lang: 'ko',
      text: '1',
    });
    expect(anon.status).toBe(401);
  });
});
