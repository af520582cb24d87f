import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SynthesizeRequest } from '../../src/client/index.js';
import { Api } from '../helpers/api.js';
import { removeDir, startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let admin: Api;
let project: Api;

const body = { script: [{ voice: 'builtin-en', text: 'Once only.' }], output_format: 'wav' };

beforeAll(async () => {
  server = await startServer();
  admin = new Api(server.url, server.adminKey);
  const { key } = await admin.client.createKey({ name: 'idem', project: 'idem' });
  project = new Api(server.url, key);
});
afterAll(async () => {
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

const post = (api: Api, key: string, payload: unknown = body) =>
  api.json<{ job_id: string; error: { code: string } }>('POST', '/v1/synthesize', payload, {
    'Idempotency-Key': key,
  });

const jobCount = async (api: Api) => (await api.client.listJobs({ limit: 100 })).items.length;

describe('Idempotency-Key', () => {
  it('answers a retry with the first answer and creates one job, even across a restart', async () => {
    const first = await post(project, 'retry-1');
    expect(first.status).toBe(202);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await post(project, 'retry-1', { output_format: 'wav', script: body.script });
    expect(again.status).toBe(202);
    expect(again.body.job_id).toBe(first.body.job_id);
    expect(again.headers.get('location')).toBe(`/v1/jobs/${first.body.job_id}`);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await jobCount(project)).toBe(1);

    // The client timed out and retries after the server restarted: still the same job.
    await server.stop();
    server = await startServer({ dataDir: server.dataDir, adminKey: server.adminKey });
    project = new Api(server.url, project.key);
    admin = new Api(server.url, server.adminKey);
    const afterRestart = await project.client.synthesize(body as SynthesizeRequest, {
      idempotencyKey: 'retry-1',
    });
    expect(afterRestart.job_id).toBe(first.body.job_id);
    expect(await jobCount(project)).toBe(1);
  });

  it('refuses the key with another body (409), keeps keys per API key, and keeps no refusal', async () => {
    const other = await post(project, 'retry-1', {
      script: [{ voice: 'builtin-en', text: 'Something else.' }],
    });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    const adminSame = await post(admin, 'retry-1');
    expect(adminSame.status).toBe(202);
    expect(adminSame.headers.get('idempotent-replayed')).toBeNull();

    const bad = await post(project, 'retry-2', { script: [] });
    expect(bad.status).toBe(400);
    const good = await post(project, 'retry-2');
    expect(good.status).toBe(202);
    expect(good.headers.get('idempotent-replayed')).toBeNull();
    expect(await jobCount(project)).toBe(2);
  });

  it('works on every POST (keys too) and refuses a malformed key', async () => {
    const make = () => admin.client.createKey({ name: 'once', project: 'once' }, { idempotencyKey: 'k-1' });
    const a = await make();
    expect(admin.lastStatus).toBe(201);
    const b = await make();
    expect(b.id).toBe(a.id);
    const bad = await post(project, 'has space');
    expect(bad.status).toBe(400);
  });
});
