import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { speakerForm, VoiceReelClient } from '../../../src/client/index.js';

/** What a caller needs to send a request itself and read the answer as it is (the integration tests do). */
let server: Server | undefined;

afterEach(async () => {
  const s = server;
  server = undefined;
  if (s) await new Promise((r) => s.close(r));
});

interface Seen {
  line: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback server giving one canned answer, and a client of it; `seen` records each request. */
async function answering(status: number, body: string, headers: Record<string, string> = {}) {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      seen.push({ line: `${req.method} ${req.url}`, headers: req.headers, body: text });
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { seen, client: new VoiceReelClient({ url, apiKey: 'k' }) };
}

describe('client raw requests', () => {
  it('builds the speaker form a multipart parser reads back field by field', async () => {
    const audio = new Uint8Array([82, 73, 70, 70, 0, 1, 2, 3]);
    const { body, contentType } = await speakerForm({
      name: 'Narrator "One"',
      lang: 'en',
      referenceScript: 'Hello there.',
      audio,
      filename: 'ref.wav',
      consent: 'signed',
    });
    const form = await new Request('http://x/', {
      method: 'POST',
      body,
      headers: { 'Content-Type': contentType },
    }).formData();
    expect(form.get('name')).toBe('Narrator "One"');
    expect(form.get('lang')).toBe('en');
    expect(form.get('reference_script')).toBe('Hello there.');
    expect(form.get('consent')).toBe('signed');
    expect(form.has('callback_url')).toBe(false);
    const file = form.get('reference_audio') as File;
    expect(file.name).toBe('ref.wav');
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(audio);
  });

  it('sends no Idempotency-Key when the spec gives an empty one, and returns error answers as they are in raw mode', async () => {
    const { seen, client } = await answering(
      429,
      '{"error":{"code":"RATE_LIMITED","message":"slow down"},"request_id":"req_1"}',
      { 'Retry-After': '1' },
    );
    const res = await client.http.request({
      method: 'POST',
      path: '/v1/synthesize',
      json: {},
      idempotencyKey: '',
      raw: true,
    });
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    expect(seen.map((r) => r.headers['idempotency-key'])).toEqual([undefined]);
  });

  it("lists one project's jobs for an admin, with every filter in the query", async () => {
    const { seen, client } = await answering(200, '{"items":[],"next_cursor":null}');
    expect(await client.listJobs({ project: 'beta', status: 'succeeded', limit: 5 })).toEqual({
      items: [],
      next_cursor: null,
    });
    expect(seen.map((r) => r.line)).toEqual(['GET /v1/jobs?project=beta&status=succeeded&limit=5']);
  });

  it('sends the lexicons of a synthesis request', async () => {
    const { seen, client } = await answering(202, '{"job_id":"job_1"}');
    const script = [{ voice: 'builtin-en', text: 'Hi.' }];
    expect(await client.synthesize({ script, lexicons: ['lex_1'] })).toEqual({ job_id: 'job_1' });
    expect(JSON.parse(seen[0]!.body)).toEqual({ script, lexicons: ['lex_1'] });
  });

  it('previews normalized text with inline lexicon entries, typed as the route answers', async () => {
    const { seen, client } = await answering(
      200,
      '{"spoken":"보이스릴","tokens":[{"written":"VoiceReel","spoken":"보이스릴"}]}',
    );
    const lexicon = [{ grapheme: 'voicereel', alias: '보이스릴', case_sensitive: false }, 'lex_1'];
    const result = await client.normalizeText({ lang: 'ko', text: 'VoiceReel', lexicon });
    expect(result.spoken).toBe('보이스릴');
    expect(result.tokens.map((t) => t.written).join('')).toBe('VoiceReel');
    expect(JSON.parse(seen[0]!.body)).toEqual({ lang: 'ko', text: 'VoiceReel', lexicon });
  });

  it('reads the project webhook secret', async () => {
    const { seen, client } = await answering(
      200,
      '{"project":"p","secret":"whsec_AAAA","scheme":"standard-webhooks-v1"}',
    );
    const secret = await client.webhookSecret();
    expect(secret).toEqual({ project: 'p', secret: 'whsec_AAAA', scheme: 'standard-webhooks-v1' });
    expect(seen.map((r) => `${r.line} ${String(r.headers['x-vr-apikey'])}`)).toEqual([
      'GET /v1/webhooks/secret k',
    ]);
  });
});
