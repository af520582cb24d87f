import { existsSync, writeFileSync } from 'node:fs';

import SrtParser from 'srt-parser-2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integratedLoudness } from '../../src/audio/loudness.js';
import { estimatePitch } from '../../src/audio/pitch.js';
import { median } from '../../src/audio/stats.js';
import { Api } from '../helpers/api.js';
import {
  espeakReference,
  ffprobe,
  fixturePath,
  JAPANESE_TEXT,
  KOREAN_TEXT,
  librivoxReference,
} from '../helpers/fixtures.js';
import { type AppServer, startApp } from '../helpers/app.js';
import { removeDir } from '../helpers/server.js';
import { ffmpegDecode, frameLevelsDb, maxLevel, offsetBefore, onsetAfter } from '../helpers/signal.js';
import { nodeText, parseVtt } from '../helpers/webvtt.js';
import { storedObjects } from '../helpers/backend.js';

interface Unit {
  start: number;
  end: number;
  speaker: string;
  speaker_name?: string;
  text: string;
  words?: Array<{ text: string; start: number; end: number }>;
}
interface Result {
  audio_url: string;
  caption_url: string;
  duration: number;
  format: string;
  sample_rate: number;
  captions: Unit[];
}
interface Profile {
  medianF0: number;
  syllableRate: number;
  gender: string;
}

let server: AppServer;
let api: Api;
const spk: Record<'en' | 'ko' | 'ja', string> = { en: '', ko: '', ja: '' };
const profiles: Record<string, Profile> = {};
const finished: Array<{ chars: number; duration: number }> = [];

const script = () => [
  { speaker_id: spk.en, text: 'Good morning everyone. Shall we go over the schedule for today?' },
  { speaker_id: spk.ko, text: '안녕하세요? 오늘 일정 공유해 드릴게요.' },
  { speaker_id: spk.ja, text: '今日は良い天気ですね。午後に東京へ行きます。' },
  { speaker_id: spk.en, text: 'Thank you. That sounds great.' },
  { speaker_id: spk.ko, text: '회의는 세 시에 시작합니다.' },
];

const FAST_TEXT =
  'The quarterly numbers look strong, and the team delivered every milestone on time. ' +
  'Next month we open two new offices and start hiring engineers, designers and support staff. ';

async function register(lang: 'en' | 'ko' | 'ja', name: string, ref: { file: string; script: string }) {
  const { speakerId } = await api.readySpeaker({ name, lang, ...ref, consent: `${name} consented.` });
  expect(speakerId).toMatch(/^spk_/);
  spk[lang] = speakerId;
}

beforeAll(async () => {
  server = await startApp();
  api = new Api(server.url, server.adminKey);
  await register('en', 'Narrator', librivoxReference());
  await register('ko', 'Minji', espeakReference('ko-f3', 'ko+f3', KOREAN_TEXT, 2, 70, 170));
  await register('ja', 'Kenji', espeakReference('ja-m3', 'ja+m3', JAPANESE_TEXT, 3, 30, 150));
}, 180_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

describe('speaker registration', () => {
  it('measures speech and builds a voice profile from each reference', async () => {
    for (const lang of ['en', 'ko', 'ja'] as const) {
      const { status, body } = await api.json<Record<string, unknown>>('GET', `/v1/speakers/${spk[lang]}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({ id: spk[lang], lang, status: 'ready', error: null });
      const ref = body.reference as { speech_seconds: number; duration_seconds: number; retained: boolean };
      expect(ref.speech_seconds).toBeGreaterThanOrEqual(30);
      expect(ref.speech_seconds).toBeLessThanOrEqual(ref.duration_seconds);
      expect(ref.retained).toBe(true);
      expect(body.consent).toMatch(/consented/);
      profiles[lang] = body.profile as Profile;
    }
    expect(profiles.ko?.gender).toBe('female');
    expect(profiles.ja?.gender).toBe('male');
    expect((profiles.ko?.medianF0 ?? 0) - (profiles.ja?.medianF0 ?? 0)).toBeGreaterThan(80);
    const files = await storedObjects(server.dataDir, 'references');
    expect(files.map((f) => f.split('.')[0]).sort()).toEqual([spk.en, spk.ko, spk.ja].sort());
  });

  it('fails the job with SCRIPT_MISMATCH when the transcript does not fit the recording', async () => {
    const { file, script: transcript } = librivoxReference();
    const cases = [
      { lang: 'en', script: 'Hello there.' },
      { lang: 'en', script: `${transcript} ${transcript} ${transcript}` },
      { lang: 'en', script: KOREAN_TEXT },
    ];
    for (const c of cases) {
      const res = await api.registerSpeaker({ name: 'Mismatch', lang: c.lang, script: c.script, file });
      expect(res.status).toBe(202);
      const job = await api.waitJob(String(res.body.job_id));
      expect(job.status).toBe('failed');
      expect((job.error as { code: string }).code).toBe('SCRIPT_MISMATCH');
      const { body } = await api.json<Record<string, unknown>>(
        'GET',
        `/v1/speakers/${String(res.body.speaker_id)}`,
      );
      expect(body.status).toBe('failed');
      expect((body.error as { code: string }).code).toBe('SCRIPT_MISMATCH');
      // A failed voice cannot be used.
      const synth = await api.json('POST', '/v1/synthesize', {
        script: [{ speaker_id: body.id, text: 'hi' }],
      });
      expect(synth.status).toBe(400);
      expect((await api.json('DELETE', `/v1/speakers/${String(body.id)}`)).status).toBe(204);
    }
  });

  it('accepts MP3 and 24-bit/float WAV references', async () => {
    const { file, script: transcript } = librivoxReference();
    const { execFileSync } = await import('node:child_process');
    const mp3 = fixturePath('librivox-x2.mp3');
    if (!existsSync(mp3))
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', file, '-codec:a', 'libmp3lame', '-b:a', '64k', mp3]);
    const f32 = fixturePath('librivox-x2-f32-stereo.wav');
    if (!existsSync(f32))
      execFileSync('sox', [file, '-e', 'floating-point', '-b', '32', '-c', '2', '-r', '44100', f32]);
    for (const f of [mp3, f32]) {
      const res = await api.registerSpeaker({ name: 'Format', lang: 'en', script: transcript, file: f });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      const job = await api.waitJob(String(res.body.job_id));
      expect(job.status).toBe('succeeded');
      const { body } = await api.json<Record<string, unknown>>(
        'GET',
        `/v1/speakers/${String(res.body.speaker_id)}`,
      );
      expect((body.reference as { format: string }).format).toBe(f.endsWith('.mp3') ? 'mp3' : 'wav');
      expect(Math.abs((body.profile as Profile).medianF0 - (profiles.en?.medianF0 ?? 0))).toBeLessThan(15);
      await api.json('DELETE', `/v1/speakers/${String(body.id)}`);
    }
  });
});

async function synthesize(output_format: string, sample_rate: number, caption_format: string) {
  const res = await api.json<{ job_id: string }>('POST', '/v1/synthesize', {
    script: script(),
    output_format,
    sample_rate,
    caption_format,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.headers.get('location')).toBe(`/v1/jobs/${res.body.job_id}`);
  const job = await api.client.waitForJob(res.body.job_id);
  expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
  expect(job.progress).toBe(1);
  const result = job.result as Result;
  finished.push({ chars: script().reduce((n, l) => n + [...l.text].length, 0), duration: result.duration });
  return { jobId: res.body.job_id, result };
}

function checkAlignment(file: string, rate: number, units: Unit[]) {
  const levels = frameLevelsDb(ffmpegDecode(file, rate), rate);
  const tolerance = 0.02; // the SPEC's one audio frame of 20 ms
  units.forEach((u, i) => {
    const prevEnd = i === 0 ? 0 : (units[i - 1] as Unit).end;
    const nextStart = i === units.length - 1 ? Infinity : (units[i + 1] as Unit).start;
    const onset = onsetAfter(levels, prevEnd + 0.05, -45);
    const offset = offsetBefore(levels, Math.min(nextStart - 0.05, levels.length * 0.01), -45);
    expect(
      Math.abs(onset - u.start),
      `line ${i} start ${u.start} vs audio onset ${onset}`,
    ).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(offset - u.end), `line ${i} end ${u.end} vs audio offset ${offset}`).toBeLessThanOrEqual(
      tolerance,
    );
    if (i > 0)
      expect(maxLevel(levels, prevEnd + 0.03, u.start - 0.03), `gap before line ${i}`).toBeLessThan(-50);
  });
}

function checkUnits(units: Unit[]) {
  const lines = script();
  expect(units).toHaveLength(lines.length);
  units.forEach((u, i) => {
    expect(u.speaker).toBe(lines[i]?.speaker_id);
    expect(u.text).toBe(lines[i]?.text);
    expect(u.end).toBeGreaterThan(u.start);
    if (i > 0) expect(u.start).toBeGreaterThan((units[i - 1] as Unit).end);
    const words = u.words ?? [];
    expect(words.length).toBeGreaterThan(0);
    for (const w of words) {
      expect(w.start).toBeGreaterThanOrEqual(u.start - 0.001);
      expect(w.end).toBeLessThanOrEqual(u.end + 0.001);
      expect(w.end).toBeGreaterThanOrEqual(w.start);
    }
  });
  expect(units.map((u) => u.speaker_name)).toEqual(['Narrator', 'Minji', 'Kenji', 'Narrator', 'Minji']);
}

async function fetchTo(path: string, name: string) {
  const dl = await api.download(path);
  expect(dl.status).toBe(200);
  const file = fixturePath(name);
  writeFileSync(file, dl.bytes);
  return { file, dl };
}

describe('multi-speaker synthesis', () => {
  it('renders a ko/en/ja dialogue to WAV 48 kHz with WebVTT voice spans that match the audio', async () => {
    const { jobId, result } = await synthesize('wav', 48000, 'vtt');
    expect(result).toMatchObject({ format: 'wav', sample_rate: 48000 });
    checkUnits(result.captions);
    const { file, dl } = await fetchTo(result.audio_url, `${jobId}.wav`);
    expect(dl.headers.get('content-type')).toBe('audio/wav');
    expect(ffprobe(file)).toMatchObject({ codec: 'pcm_s16le', sampleRate: 48000, channels: 1 });
    expect(Math.abs(ffprobe(file).duration - result.duration)).toBeLessThan(0.002);
    checkAlignment(file, 48000, result.captions);

    const vtt = await api.download(result.caption_url);
    expect(vtt.headers.get('content-type')).toMatch(/^text\/vtt/);
    const parsed = parseVtt(new TextDecoder().decode(vtt.bytes));
    expect(parsed.errors).toEqual([]);
    expect(parsed.cues).toHaveLength(5);
    parsed.cues.forEach((cue, i) => {
      const unit = result.captions[i] as Unit;
      expect(cue.startTime).toBeCloseTo(unit.start, 3);
      expect(cue.endTime).toBeCloseTo(unit.end, 3);
      const voice = cue.tree.children.find((n) => n.type === 'object' && n.name === 'v');
      expect(voice?.value).toBe(unit.speaker_name);
      expect(nodeText(cue.tree.children).replace(/\n/g, ' ')).toBe(unit.text);
    });

    // Each voice resembles its reference in pitch, and the two registered voices clearly differ.
    const samples = ffmpegDecode(file, 48000);
    const f0Of = (u: Unit) => {
      const slice = samples.slice(Math.round(u.start * 48000), Math.round(u.end * 48000));
      const { f0 } = estimatePitch({ samples: slice, sampleRate: 48000 });
      return median(Array.from(f0).filter((v) => v > 0));
    };
    const [en, ko, ja] = result.captions.map(f0Of);
    for (const [lang, f0] of [
      ['en', en],
      ['ko', ko],
      ['ja', ja],
    ] as const) {
      const target = profiles[lang]?.medianF0 ?? 0;
      expect(
        Math.abs((f0 ?? 0) - target) / target,
        `${lang}: ${f0} Hz vs reference ${target} Hz`,
      ).toBeLessThan(0.25);
    }
    expect((ko ?? 0) - (ja ?? 0)).toBeGreaterThan(60);

    // Loudness is levelled across speakers.
    for (const u of result.captions) {
      const slice = samples.slice(Math.round(u.start * 48000), Math.round(u.end * 48000));
      expect(Math.abs(integratedLoudness({ samples: slice, sampleRate: 48000 }) + 16)).toBeLessThan(1.5);
    }
  });

  it('renders MP3 at 16 kHz with SRT captions that match the decoded audio', async () => {
    const { jobId, result } = await synthesize('mp3', 16000, 'srt');
    const { file, dl } = await fetchTo(result.audio_url, `${jobId}.mp3`);
    expect(dl.headers.get('content-type')).toBe('audio/mpeg');
    const probe = ffprobe(file);
    expect(probe).toMatchObject({ codec: 'mp3', sampleRate: 16000, channels: 1 });
    expect(Math.abs(probe.duration - result.duration)).toBeLessThan(0.15);
    checkUnits(result.captions);
    checkAlignment(file, 16000, result.captions);
    const srt = new TextDecoder().decode((await api.download(result.caption_url)).bytes);
    const cues = new SrtParser().fromSrt(srt);
    expect(cues).toHaveLength(5);
    cues.forEach((cue, i) => {
      const unit = result.captions[i] as Unit;
      expect(cue.startSeconds).toBeCloseTo(unit.start, 3);
      expect(cue.endSeconds).toBeCloseTo(unit.end, 3);
      expect(cue.text.replace(/\n/g, ' ')).toBe(`${unit.speaker_name}: ${unit.text}`);
    });
  });

  it.each([
    ['wav', 8000, 'json'],
    ['wav', 22050, 'srt'],
    ['mp3', 24000, 'json'],
    ['mp3', 44100, 'vtt'],
  ] as const)('renders %s at %i Hz with %s captions', async (format, rate, captions) => {
    const { jobId, result } = await synthesize(format, rate, captions);
    const { file } = await fetchTo(result.audio_url, `${jobId}.${format}`);
    expect(ffprobe(file)).toMatchObject({
      codec: format === 'wav' ? 'pcm_s16le' : 'mp3',
      sampleRate: rate,
      channels: 1,
    });
    checkAlignment(file, rate, result.captions);
    const body = new TextDecoder().decode((await api.download(result.caption_url)).bytes);
    if (captions === 'json')
      expect((JSON.parse(body) as { captions: Unit[] }).captions).toEqual(result.captions);
  });

  it('speaks at the tempo of each reference: a fast talker gets a faster voice', async () => {
    const fastRef = espeakReference('en-fast-6', 'en+m3', FAST_TEXT, 6, 40, 260);
    const fast = (await api.readySpeaker({ name: 'Quick', lang: 'en', ...fastRef })).speakerId;
    const { profile } = await api.client.getSpeaker(fast);
    expect((profile as unknown as Profile).syllableRate).toBeGreaterThan(
      (profiles.en?.syllableRate ?? 0) * 1.3,
    );

    const text = 'We will review the budget, the hiring plan and the launch date before lunch.';
    const durations: number[] = [];
    for (const speaker of [spk.en, fast]) {
      const r = await api.client.synthesize({ script: [{ speaker_id: speaker, text }] });
      const job = await api.client.waitForJob(r.job_id);
      const unit = (job.result as Result).captions[0] as Unit;
      durations.push(unit.end - unit.start);
      finished.push({ chars: [...text].length, duration: (job.result as Result).duration });
    }
    const [slowSeconds, fastSeconds] = durations as [number, number];
    // The LibriVox narrator speaks at about 3.3 syllables/s, the fast reference at over 4.5.
    expect(fastSeconds).toBeLessThan(slowSeconds * 0.8);
    await api.client.deleteSpeaker(fast);
    expect(api.lastStatus).toBe(204);
  });

  it('serves byte ranges of the audio and refuses altered links', async () => {
    const { result } = await synthesize('wav', 24000, 'json');
    const full = await api.download(result.audio_url);
    const part = await api.download(result.audio_url, { Range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${full.bytes.length}`);
    expect(Buffer.from(part.bytes).equals(Buffer.from(full.bytes.subarray(100, 200)))).toBe(true);
    const tail = await api.download(result.audio_url, { Range: 'bytes=-10' });
    expect(Buffer.from(tail.bytes).equals(Buffer.from(full.bytes.subarray(-10)))).toBe(true);
    expect((await api.download(result.audio_url, { Range: `bytes=${full.bytes.length + 5}-` })).status).toBe(
      416,
    );

    const url = new URL(result.audio_url, server.url);
    const captionId = new URL(result.caption_url, server.url).pathname.split('/').pop() as string;
    const sig = url.searchParams.get('sig') as string;
    const swapped = `/v1/files/${captionId}${url.search}`;
    expect((await api.download(swapped)).status).toBe(404);
    const bumped = result.audio_url.replace(/exp=(\d+)/, (_m, e: string) => `exp=${Number(e) + 3600}`);
    expect((await api.download(bumped)).status).toBe(404);
    expect(
      (await api.download(result.audio_url.replace(sig, sig.replace(/.$/, sig.endsWith('0') ? '1' : '0'))))
        .status,
    ).toBe(404);
    expect((await api.download(`/v1/files/..%2F..%2Fvoicereel.db${url.search}`)).status).toBe(404);
  });

  it('meters characters, seconds, registrations and requests per key', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const body = await api.client.usage(month);
    expect(api.lastStatus).toBe(200);
    expect(body.month).toBe(month);
    const chars = finished.reduce((n, f) => n + f.chars, 0);
    const seconds = finished.reduce((n, f) => n + f.duration, 0);
    expect(body.total.characters).toBe(chars);
    expect(body.total.synthesized_seconds).toBeCloseTo(seconds, 1);
    // 3 voices, 3 mismatched transcripts, 2 other formats, 1 fast talker.
    expect(body.total.registrations).toBe(3 + 3 + 2 + 1);
    expect(body.total.requests).toBeGreaterThan(20);
    expect(body.keys).toHaveLength(1);
    expect((await api.client.usage('2001-01')).total.characters).toBe(0);
  });

  it('cancels a job and deletes its files', async () => {
    const { jobId, result } = await synthesize('wav', 16000, 'vtt');
    expect(await storedObjects(server.dataDir, `jobs/${jobId}`)).not.toEqual([]);
    await api.client.cancelJob(jobId);
    expect(api.lastStatus).toBe(204);
    expect(await storedObjects(server.dataDir, `jobs/${jobId}`)).toEqual([]);
    expect((await api.download(result.audio_url)).status).toBe(404);

    // A queued or running job is canceled outright.
    const long = Array.from({ length: 30 }, () => script()).flat();
    const { job_id } = await api.client.synthesize({ script: long });
    await api.client.cancelJob(job_id);
    expect(api.lastStatus).toBe(204);
    const job = await api.client.waitForJob(job_id);
    expect(job.status).toBe('canceled');
    expect(job.result).toBeUndefined();
    expect(await storedObjects(server.dataDir, `jobs/${job_id}`)).toEqual([]);
  });

  it('lists speakers page by page and deletes a voice with its recording', async () => {
    const page1 = await api.client.listSpeakers({ page: 1, page_size: 2 });
    expect(page1).toMatchObject({ total: 3, page: 1, page_size: 2 });
    expect(page1.items).toHaveLength(2);
    const page2 = await api.client.listSpeakers({ page: 2, page_size: 2 });
    expect(page2.items.map((s) => s.id)).toEqual([spk.ja]);

    const refFile = (await storedObjects(server.dataDir, 'references')).find((f) => f.startsWith(spk.ja));
    expect(refFile).toBeDefined();
    await api.client.deleteSpeaker(spk.ja);
    expect(api.lastStatus).toBe(204);
    expect((await api.json('GET', `/v1/speakers/${spk.ja}`)).status).toBe(404);
    expect(await storedObjects(server.dataDir, 'references')).not.toContain(refFile);
    const synth = await api.json('POST', '/v1/synthesize', {
      script: [{ speaker_id: spk.ja, text: 'こんにちは' }],
    });
    expect(synth.status).toBe(400);
  });
});
