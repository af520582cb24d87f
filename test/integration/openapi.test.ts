import { createConfig, lintFromString } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job, KeyList, SpeakerPage, VoiceList } from '../../src/services/schemas/responses.js';
import { Api } from '../helpers/api.js';
import { removeDir, startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let admin: Api;
let doc: {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown>; security: unknown[] }>>;
  components: { securitySchemes: Record<string, unknown> };
};

beforeAll(async () => {
  server = await startServer();
  admin = new Api(server.url, server.adminKey);
  const res = await fetch(`${server.url}/v1/openapi.json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as typeof doc;
});
afterAll(async () => {
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

describe('GET /v1/openapi.json', () => {
  it('is public and passes the Redocly recommended ruleset with no error or warning', async () => {
    expect(doc.openapi).toBe('3.1.0');
    // openapi-core is the linter engine of @redocly/cli without the CLI's telemetry; no network here.
    const config = await createConfig(
      [
        'extends: [recommended]',
        'rules:',
        '  info-license-strict: error',
        '  operation-4xx-response: off',
      ].join('\n'),
    );
    const problems = await lintFromString({
      source: JSON.stringify(doc),
      absoluteRef: 'openapi.json',
      config,
    });
    expect(problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
  });

  it('lists every route the SPEC names, with methods, errors and security schemes', () => {
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    for (const route of [
      'POST /v1/speakers',
      'GET /v1/speakers',
      'GET /v1/speakers/{id}',
      'DELETE /v1/speakers/{id}',
      'POST /v1/synthesize',
      'GET /v1/jobs',
      'GET /v1/jobs/{id}',
      'DELETE /v1/jobs/{id}',
      'GET /v1/usage',
      'POST /v1/keys',
      'GET /v1/keys',
      'DELETE /v1/keys/{id}',
      'GET /v1/voices',
      'GET /v1/files/{id}',
      'GET /healthz',
      'GET /readyz',
      'GET /metrics',
      'GET /v1/openapi.json',
      'GET /docs/api',
    ]) {
      expect(ops).toContain(route);
    }
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['ApiKey', 'Bearer', 'Signature']);
    const keys = doc.paths['/v1/keys']!.post!;
    expect(Object.keys(keys.responses).sort()).toEqual([
      '201',
      '400',
      '401',
      '403',
      '409',
      '413',
      '415',
      '429',
      '500',
    ]);
    expect(doc.paths['/healthz']!.get!.security).toEqual([]);
  });

  it('describes what the server really answers (responses parse with the documented schemas)', async () => {
    expect(KeyList.safeParse(await admin.client.listKeys()).success).toBe(true);
    expect(VoiceList.safeParse(await admin.client.listVoices()).success).toBe(true);
    expect(SpeakerPage.safeParse(await admin.client.listSpeakers()).success).toBe(true);
    const created = await admin.client.synthesize({ script: [{ voice: 'builtin-en', text: 'Hi.' }] });
    expect(admin.lastStatus).toBe(202);
    const job = await admin.client.getJob(created.job_id);
    expect(Job.parse(job).id).toBe(created.job_id);
  });

  it('validates queries with the documented schemas (the same error the document lists)', async () => {
    const res = await admin.json<{ error: { code: string; details: unknown } }>(
      'GET',
      '/v1/speakers?page_size=500',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_INPUT');
    expect(res.body.error.details).toEqual({ field: 'page_size' });
    const bad = await admin.json<{ error: { code: string } }>('POST', '/v1/keys', {
      name: 'x',
      project: 'Bad Name',
    });
    expect(bad.body.error.code).toBe('INVALID_INPUT');
  });
});

describe('GET /docs/api', () => {
  it('renders every operation offline under a CSP that allows no script', async () => {
    const res = await fetch(`${server.url}/docs/api`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/script-src|unsafe-inline/);
    const html = await res.text();
    expect(html).not.toMatch(/<script|https?:\/\//i);
    for (const path of Object.keys(doc.paths)) expect(html).toContain(`<code>${path}</code>`);
    const css = await fetch(`${server.url}/docs/api.css`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });
});
