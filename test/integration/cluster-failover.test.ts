import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeName } from '../../src/runtime/node-name.js';
import { Api } from '../helpers/api.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { startS3, type TestS3 } from '../helpers/s3.js';
import { removeDir, startServer, type TestServer } from '../helpers/server.js';

/**
 * Two real nodes on one PostgreSQL and one bucket, jobs sent to both; one node is killed with
 * SIGKILL while it runs its share. Every accepted job still succeeds, on the survivor, exactly once
 * (one `succeeded` event, one pair of file rows), and the usage recorded equals the work done.
 */
const JOBS = 200;
let pgServer: TestPostgres;
let s3: TestS3;
let dbUrl: string;
const root = mkdtempSync(join(tmpdir(), 'vr-failover-'));
const adminKey = `vr_test_failover_${randomBytes(16).toString('hex')}`;
const nodes: TestServer[] = [];

beforeAll(async () => {
  [pgServer, s3] = await Promise.all([startPostgres(), startS3()]);
  dbUrl = await pgServer.database();
  const bucket = await s3.bucket();
  const secretFile = s3.secretFile(root);
  // Leases of 5 s: the survivor takes the dead node's jobs over within seconds.
  const config =
    `[database]\nurl = "${dbUrl}"\npool_size = 4\n[engine]\nworkers = 1\n` +
    `[jobs]\nconcurrency = 2\nlease_seconds = 5\n[limits]\nqueue_max_depth = 1000\n` +
    `max_active_jobs_per_key = 0\nmax_active_jobs_per_project = 0\n` +
    s3.toml({ bucket, secretFile });
  for (const name of ['a', 'b']) {
    mkdirSync(join(root, name));
    // One after the other: the first makes the schema and the cluster's secret.
    nodes.push(await startServer({ config, dataDir: join(root, name), adminKey }));
  }
}, 180_000);

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.kill()));
  await Promise.all([pgServer?.stop(), s3?.stop()]);
  removeDir(root);
});

describe('a node killed in the middle of its jobs', () => {
  it('leaves every accepted job to the other node, each completed exactly once', async () => {
    const [a, b] = nodes.map((n) => new Api(n.url, adminKey)) as [Api, Api];
    const texts = Array.from({ length: JOBS }, (_, i) => `Job number ${i + 1} of the failover run.`);
    const ids: string[] = [];
    for (const [i, text] of texts.entries()) {
      const { job_id } = await (i % 2 ? b : a).client.synthesize({
        script: [{ voice: 'builtin-en', text }],
        output_format: 'wav',
        sample_rate: 8000,
      });
      ids.push(job_id);
    }
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    try {
      // Kill node a once both nodes run jobs, with plenty still queued.
      const owners = [nodeName(join(root, 'a')), nodeName(join(root, 'b'))];
      for (const until = Date.now() + 60_000; ;) {
        const running = (
          await db.query<{ lease_owner: string }>("SELECT lease_owner FROM jobs WHERE status = 'running'")
        ).rows.map((r) => r.lease_owner);
        if (owners.every((o) => running.includes(o))) break;
        if (Date.now() > until) throw new Error('the two nodes never ran jobs at the same time');
        await new Promise((r) => setTimeout(r, 50));
      }
      await nodes[0]!.kill();
      expect(nodes[0]!.proc.signalCode).toBe('SIGKILL');

      const done = await Promise.all(ids.map((id) => b.client.waitForJob(id, { timeoutMs: 600_000 })));
      expect(done.filter((j) => j.status !== 'succeeded').map((j) => [j.id, j.status, j.error])).toEqual([]);

      const events = await db.query<{ job_id: string; n: string }>(
        "SELECT job_id, COUNT(*) AS n FROM job_events WHERE type = 'succeeded' GROUP BY job_id",
      );
      expect(events.rows.length).toBe(JOBS);
      expect(events.rows.every((r) => Number(r.n) === 1)).toBe(true);
      const files = await db.query<{ n: string }>('SELECT COUNT(*) AS n FROM files');
      expect(Number(files.rows[0]?.n)).toBe(2 * JOBS);
      // Some of node a's jobs were taken over: run again from the start, on the survivor.
      const retried = await db.query<{ n: string }>('SELECT COUNT(*) AS n FROM jobs WHERE attempts > 1');
      expect(Number(retried.rows[0]?.n)).toBeGreaterThan(0);
      const usage = await b.client.usage();
      expect(usage.total.characters).toBe(texts.reduce((n, t) => n + [...t].length, 0));
    } finally {
      await db.end();
    }
  }, 900_000);
});
