import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../helpers/api.js';
import { expectErrorShape } from '../helpers/expect.js';
import { sha256Hex, signatureHeader } from '../helpers/raw-http.js';
import { removeDir, startServer, type TestServer } from '../helpers/server.js';
import { readSse, type SseEvent } from '../helpers/sse.js';

/**
 * Issue 11, item 4: GET /v1/jobs/{id}/events streams queued, started, progress per line, log lines and
 * one terminal event equal to GET /v1/jobs/{id}, with ids, resumable with Last-Event-ID, behind the
 * same auth, and the history survives a restart.
 */
let server: TestServer;
let admin: Api;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'vr-events-'));
  server = await startServer({
    dataDir,
    config:
      '[engine]\nworkers = 1\n[jobs]\nconcurrency = 1\n[events]\nheartbeat_seconds = 0.2\n' +
      // A stream outlives the time a request body may take: it must not be cut as a slow body.
      '[limits]\nbody_grace_seconds = 1\n',
  });
  admin = new Api(server.url, server.adminKey);
}, 90_000);

afterAll(async () => {
  await server?.stop();
  if (dataDir) removeDir(dataDir);
});

const SCRIPT = [
  { voice: 'builtin-en', text: 'The first line is short.' },
  { voice: 'builtin-en', text: 'The second line says a little more than the first one did.' },
  { voice: 'builtin-en', text: 'And the third line closes the script.' },
  { voice: 'builtin-en', text: 'A fourth line keeps the stream open a little longer than the grace.' },
  { voice: 'builtin-en', text: 'The fifth line is here for the same reason, and it is not short.' },
];

const BLOCKER = Array.from({ length: 40 }, (_, i) => ({
  voice: 'builtin-en',
  text: `Line ${i + 1} of a long script that runs first, so the next job waits in the queue for a while.`,
}));

/** Presigned links are signed afresh on every read (their expiry moves with the clock's second). */
const unsigned = (v: unknown) =>
  JSON.parse(
    JSON.stringify(v)
      .replace(/\?exp=\d+&sig=[0-9a-f]+/g, '?exp=X&sig=X')
      .replace(/"audio_expires_at":"[^"]+"/g, '"audio_expires_at":"X"'),
  ) as unknown;

const eventsUrl = (id: string) => `${server.url}/v1/jobs/${id}/events`;
const keyHeader = (api: Api) => ({ 'X-VR-APIKEY': api.key });

async function openStreams(): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(/^voicereel_event_streams (\d+)$/m.exec(text)?.[1]);
}

async function submit(): Promise<string> {
  const { job_id } = await admin.client.synthesize({ script: SCRIPT });
  expect(admin.lastStatus).toBe(202);
  return job_id;
}

describe('GET /v1/jobs/{id}/events', () => {
  let jobId = '';
  let live: SseEvent[] = [];

  it('streams queued, started, a progress event per line, log lines and one terminal event, in order, with ids', async () => {
    // A long job ahead of it (one job at a time) keeps the stream open past body_grace_seconds
    // however fast this machine synthesizes.
    await admin.client.synthesize({ script: BLOCKER });
    expect(admin.lastStatus).toBe(202);
    jobId = await submit();
    const t0 = Date.now();
    const stream = await readSse(eventsUrl(jobId), keyHeader(admin));
    const elapsed = Date.now() - t0;
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.ended).toBe(true);
    live = stream.events;
    const types = live.map((e) => e.event);
    expect(types[0]).toBe('queued');
    expect(types[1]).toBe('started');
    expect(types.at(-1)).toBe('succeeded');
    expect(types.filter((t) => ['succeeded', 'failed', 'canceled'].includes(t))).toHaveLength(1);
    const progress = live.filter((e) => e.event === 'progress').map((e) => e.data);
    expect(progress).toEqual(
      [1, 2, 3, 4, 5].map((line) => ({ progress: expect.any(Number), line, lines: 5 })),
    );
    const fractions = progress.map((p) => (p as { progress: number }).progress);
    expect([...fractions].sort()).toEqual(fractions);
    expect(fractions.every((f) => f > 0 && f < 1)).toBe(true);
    const logs = live
      .filter((e) => e.event === 'log')
      .map((e) => e.data as { level: string; message: string });
    expect(logs.some((l) => l.level === 'info' && /mixing and encoding wav/.test(l.message))).toBe(true);
    // Every event has an id, and they only grow.
    const ids = live.map((e) => Number(e.id));
    expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // The job took long enough for the stream to keep itself alive meanwhile.
    expect(stream.comments).toContain('heartbeat');
    // Open longer than body_grace_seconds, and still ended by the server after the terminal event.
    expect(elapsed).toBeGreaterThan(1200);

    const view = await admin.client.getJob(jobId);
    expect(admin.lastStatus).toBe(200);
    expect(unsigned(live.at(-1)?.data)).toEqual(unsigned(view));
    expect((live.at(-1)?.data as { status: string }).status).toBe('succeeded');
  }, 120_000);

  it('resumes after Last-Event-ID with only the later events, and answers 204 once the terminal event was seen', async () => {
    const started = live.find((e) => e.event === 'started');
    const resumed = await readSse(eventsUrl(jobId), {
      ...keyHeader(admin),
      'Last-Event-ID': String(started?.id),
    });
    expect(resumed.status).toBe(200);
    expect(resumed.ended).toBe(true);
    const later = live.filter((e) => Number(e.id) > Number(started?.id));
    expect(resumed.events.map((e) => [e.id, e.event])).toEqual(later.map((e) => [e.id, e.event]));

    const after = await fetch(eventsUrl(jobId), {
      headers: { ...keyHeader(admin), 'Last-Event-ID': String(live.at(-1)?.id) },
    });
    expect(after.status).toBe(204);

    const bad = await fetch(eventsUrl(jobId), { headers: { ...keyHeader(admin), 'Last-Event-ID': 'abc' } });
    expect(bad.status).toBe(400);
    expectErrorShape(await bad.json(), 'INVALID_INPUT');
  });

  it('gives a late subscriber the whole history and closes the stream', async () => {
    const late = await readSse(eventsUrl(jobId), keyHeader(admin));
    expect(late.ended).toBe(true);
    expect(late.events.map((e) => [e.id, e.event])).toEqual(live.map((e) => [e.id, e.event]));
  });

  it('is not found for another project, and needs a key', async () => {
    const created = await admin.client.createKey({ name: 'other', project: 'other' });
    expect(admin.lastStatus).toBe(201);
    const other = new Api(server.url, created.key);
    const res = await fetch(eventsUrl(jobId), { headers: keyHeader(other) });
    expect(res.status).toBe(404);
    expectErrorShape(await res.json(), 'NOT_FOUND');
    const anonymous = await fetch(eventsUrl(jobId));
    expect(anonymous.status).toBe(401);
  });

  it('accepts a Bearer key and a signed request like every route', async () => {
    const created = await admin.client.createKey({ name: 'mine', project: 'default' });
    const bearer = await readSse(eventsUrl(jobId), { Authorization: `Bearer ${created.key}` });
    expect(bearer.status).toBe(200);
    expect(bearer.events.at(-1)?.event).toBe('succeeded');
    const path = `/v1/jobs/${jobId}/events`;
    const signed = await readSse(`${server.url}${path}`, {
      'X-VR-Signature': signatureHeader(created, 'GET', path, sha256Hex('')),
    });
    expect(signed.status).toBe(200);
    expect(signed.events.map((e) => e.id)).toEqual(live.map((e) => e.id));
    const forged = await fetch(`${server.url}${path}`, {
      headers: {
        'X-VR-Signature': signatureHeader({ ...created, key: 'wrong' }, 'GET', path, sha256Hex('')),
      },
    });
    expect(forged.status).toBe(401);
  });

  it('lets go of a stream when its client disconnects', async () => {
    const long = await admin.client.synthesize({ script: [...SCRIPT, ...SCRIPT] });
    const ctl = new AbortController();
    const res = await admin.client.jobEvents(long.job_id, { signal: ctl.signal });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    expect(await openStreams()).toBe(1);
    ctl.abort();
    await reader.cancel().catch(() => {});
    const until = Date.now() + 5000;
    while ((await openStreams()) !== 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(await openStreams()).toBe(0);
    await admin.client.waitForJob(long.job_id);
  }, 120_000);

  it('keeps the history across a restart: a reconnect resumes where it left off', async () => {
    await server.stop();
    server = await startServer({ dataDir, adminKey: server.adminKey, config: '[engine]\nworkers = 1\n' });
    const progress = live.find((e) => e.event === 'progress');
    const resumed = await readSse(eventsUrl(jobId), {
      ...keyHeader(admin),
      'Last-Event-ID': String(progress?.id),
    });
    expect(resumed.ended).toBe(true);
    const later = live.filter((e) => Number(e.id) > Number(progress?.id));
    expect(resumed.events.map((e) => [e.id, e.event])).toEqual(later.map((e) => [e.id, e.event]));
  }, 120_000);
});
