import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { VoiceReelClient, VoiceReelError } from '../../../src/client/index.js';
import { signatureHeader } from '../../../src/client/sign.js';
import { expectedSignature } from '../../../src/services/signature.js';

/**
 * Behaviour the real server cannot be made to show on demand (a dropped event stream, a 503 with
 * Retry-After, a network failure): a loopback HTTP server scripted per test stands in for it.
 */
let server: Server | undefined;

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse, n: number) => void,
): Promise<string> {
  let n = 0;
  server = createServer((req, res) => handler(req, res, n++));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function stop(): Promise<void> {
  const s = server;
  server = undefined;
  if (!s) return;
  s.closeAllConnections();
  await new Promise((r) => s.close(r));
}

afterEach(stop);

const job = (status: string) => ({
  id: 'job_1',
  type: 'synthesize',
  status,
  progress: status === 'succeeded' ? 1 : 0.5,
});
const errorBody = (code: string) =>
  JSON.stringify({ error: { code, message: code.toLowerCase() }, request_id: 'req_x' });

describe('client transport', () => {
  it('signs exactly as the server verifies', () => {
    const sha = 'ab'.repeat(32);
    const header = signatureHeader('vr_secret', 'key_1', 1700000000, 'post', '/v1/jobs?x=1', sha);
    expect(header).toBe(
      `k=key_1,t=1700000000,v1=${expectedSignature('vr_secret', 1700000000, 'POST', '/v1/jobs?x=1', sha)}`,
    );
  });

  it('honours Retry-After on 503 and 429, and throws the typed error when Retry-After is longer than allowed', async () => {
    const times: number[] = [];
    const url = await serve((_req, res, n) => {
      times.push(Date.now());
      if (n < 2) {
        res.writeHead(n === 0 ? 503 : 429, { 'Retry-After': '1', 'Content-Type': 'application/json' });
        res.end(errorBody(n === 0 ? 'UNAVAILABLE' : 'RATE_LIMITED'));
      } else res.end(JSON.stringify({ items: [] }));
    });
    const client = new VoiceReelClient({ url, apiKey: 'k' });
    expect(await client.listVoices()).toEqual({ items: [] });
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(950);

    await stop();
    const url2 = await serve((_req, res) => {
      res.writeHead(503, { 'Retry-After': '1', 'Content-Type': 'application/json', 'X-Request-Id': 'req_h' });
      res.end(errorBody('UNAVAILABLE'));
    });
    const err = await new VoiceReelClient({ url: url2, apiKey: 'k', maxRetryWaitMs: 500 })
      .listVoices()
      .catch((e) => e);
    expect(err).toBeInstanceOf(VoiceReelError);
    expect(err).toMatchObject({ status: 503, code: 'UNAVAILABLE', requestId: 'req_x' });
  });

  it('sends one random Idempotency-Key per POST and repeats it on its own retry after a network error', async () => {
    const keys: string[] = [];
    const url = await serve((req, res, n) => {
      keys.push(String(req.headers['idempotency-key']));
      if (n === 0) return req.socket.destroy(); // the connection drops before an answer
      res.writeHead(202, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ job_id: `job_${n}` }));
    });
    const client = new VoiceReelClient({ url, apiKey: 'k' });
    await client.synthesize({ script: [{ voice: 'builtin-en', text: 'x' }] });
    await client.synthesize({ script: [{ voice: 'builtin-en', text: 'x' }] });
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it('waits by events, resuming with Last-Event-ID when the stream drops', async () => {
    const lastIds: Array<string | undefined> = [];
    const url = await serve((req, res) => {
      lastIds.push(req.headers['last-event-id'] as string | undefined);
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      if (!req.headers['last-event-id']) {
        res.write('id: 1\nevent: queued\ndata: {}\n\n: keep-alive\n\n');
        res.end('id: 2\nevent: progress\ndata: {"progress":0.5,"line":1,"lines":2}\n\n');
      } else {
        res.write('retry: 10\n\nid: 3\nevent: log\ndata: {"level":"info","message":"line 2"}\n\n');
        res.end(`id: 4\nevent: succeeded\ndata: ${JSON.stringify(job('succeeded'))}\n\n`);
      }
    });
    const seen: string[] = [];
    const done = await new VoiceReelClient({ url, apiKey: 'k' }).waitForJob('job_1', {
      onEvent: (e) => seen.push(`${e.id}:${e.type}`),
    });
    expect(done).toEqual(job('succeeded'));
    expect(lastIds).toEqual([undefined, '2']);
    expect(seen).toEqual(['1:queued', '2:progress', '3:log', '4:succeeded']);
  });

  it('falls back to polling GET /v1/jobs/{id} when the event route answers 404', async () => {
    const paths: string[] = [];
    const url = await serve((req, res) => {
      paths.push(req.url!);
      res.setHeader('Content-Type', 'application/json');
      if (req.url!.endsWith('/events')) {
        res.statusCode = 404;
        return res.end(errorBody('NOT_FOUND'));
      }
      res.end(JSON.stringify(job(paths.length < 4 ? 'running' : 'succeeded')));
    });
    const client = new VoiceReelClient({ url, apiKey: 'k' });
    expect(await client.waitForJob('job_1', { pollIntervalMs: 10 })).toEqual(job('succeeded'));
    expect(paths[0]).toBe('/v1/jobs/job_1/events');
    expect(paths.slice(1).every((p) => p === '/v1/jobs/job_1')).toBe(true);
    // Known now: the next wait polls at once.
    await client.waitForJob('job_1', { pollIntervalMs: 10 });
    expect(paths.filter((p) => p.endsWith('/events'))).toHaveLength(1);
  });

  it('gives up on a silent event stream at its timeout with code TIMEOUT', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('id: 1\nevent: queued\ndata: {}\n\n'); // and then nothing, the connection held open
    });
    const started = Date.now();
    const err = await new VoiceReelClient({ url, apiKey: 'k' })
      .waitForJob('job_1', { timeoutMs: 300 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TIMEOUT', details: { job_id: 'job_1' } });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('returns error answers as they are in raw mode, without retrying', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(503, { 'Retry-After': '1', 'Content-Type': 'application/json' });
      res.end(errorBody('UNAVAILABLE'));
    });
    const res = await new VoiceReelClient({ url, apiKey: 'k' }).http.request({
      method: 'GET',
      path: '/v1/voices',
      raw: true,
    });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'UNAVAILABLE' } });
  });
});
