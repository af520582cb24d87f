import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, JobListQuery } from '../../src/client/index.js';
import { JobList } from '../../src/services/schemas/responses.js';
import { Api } from '../helpers/api.js';
import { removeDir, startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let admin: Api;
let alpha: Api;
let beta: Api;
const alphaJobs: string[] = [];
let betaJob = '';

async function synth(api: Api): Promise<string> {
  const { job_id } = await api.client.synthesize({ script: [{ voice: 'builtin-en', text: 'Hi.' }] });
  expect(api.lastStatus).toBe(202);
  return job_id;
}

beforeAll(async () => {
  server = await startServer();
  admin = new Api(server.url, server.adminKey);
  alpha = await admin.keyApi('alpha', 'alpha');
  beta = await admin.keyApi('beta', 'beta');
  for (let i = 0; i < 5; i++) alphaJobs.push(await synth(alpha));
  betaJob = await synth(beta);
});
afterAll(async () => {
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

/** Every page of a listing through the client, each checked against the documented shape. */
async function allPages(api: Api, query: string): Promise<Job[]> {
  const params = Object.fromEntries(new URLSearchParams(query)) as JobListQuery;
  const items: Job[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.client.listJobs({ ...params, cursor });
    expect(api.lastStatus).toBe(200);
    expect(JobList.safeParse(page).success).toBe(true);
    items.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return items;
}

describe('GET /v1/jobs', () => {
  it('pages a project key through its own jobs, newest first, in the shape of GET /v1/jobs/{id}', async () => {
    const first = await alpha.client.listJobs({ limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.next_cursor).toEqual(expect.any(String));
    const items = await allPages(alpha, 'limit=2');
    expect(items.map((j) => j.id)).toEqual([...alphaJobs].reverse());
    const one = await alpha.client.getJob(alphaJobs[0]!);
    expect(Object.keys(items.at(-1)!).sort()).toEqual(Object.keys(one).sort());
    expect((await allPages(beta, 'limit=100')).map((j) => j.id)).toEqual([betaJob]);
  });

  it('lets an admin see every project or one, and refuses a project key another project', async () => {
    const every = (await allPages(admin, 'limit=100')).map((j) => j.id);
    expect(every).toEqual(expect.arrayContaining([...alphaJobs, betaJob]));
    expect((await allPages(admin, 'project=beta')).map((j) => j.id)).toEqual([betaJob]);
    const res = await beta.json<{ error: { code: string } }>('GET', '/v1/jobs?project=alpha');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it('filters by type, status and a created range (strict bounds)', async () => {
    expect(await allPages(alpha, 'type=register_speaker')).toEqual([]);
    expect(await allPages(alpha, 'type=synthesize')).toHaveLength(5);
    await alpha.waitJob(alphaJobs[4]!);
    await alpha.waitJob(alphaJobs[0]!);
    const done = await allPages(alpha, 'status=succeeded');
    expect(done.length).toBeGreaterThan(0);
    for (const j of done) expect(j.status).toBe('succeeded');
    const all = await allPages(alpha, 'limit=100');
    const mid = all[2]!.created_at;
    const newer = await allPages(alpha, `created_after=${encodeURIComponent(mid)}`);
    const older = await allPages(alpha, `created_before=${encodeURIComponent(mid)}`);
    expect(newer.every((j) => j.created_at > mid)).toBe(true);
    expect(older.every((j) => j.created_at < mid)).toBe(true);
    expect(newer.length + older.length).toBe(5 - all.filter((j) => j.created_at === mid).length);
  });

  it('refuses bad filters with INVALID_INPUT naming the field', async () => {
    for (const [query, field] of [
      ['limit=101', 'limit'],
      ['limit=0', 'limit'],
      ['status=done', 'status'],
      ['created_after=yesterday', 'created_after'],
      ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
    ] as const) {
      const res = await alpha.json<{ error: { code: string; details: { field: string } } }>(
        'GET',
        `/v1/jobs?${query}`,
      );
      expect(res.status, query).toBe(400);
      expect(res.body.error.details.field).toBe(field);
    }
  });
});
