import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { previousMonth } from '../../src/jobs/monthly-report.js';
import { monthOf } from '../../src/lib/clock.js';
import { closeDatabase, openDatabase } from '../../src/store/db.js';
import { Api } from '../helpers/api.js';
import { cli } from '../helpers/cli.js';
import { type AppServer, startApp } from '../helpers/app.js';
import { removeDir } from '../helpers/server.js';

/**
 * Issue 4, operations: the monthly usage report written by the server at start-up when last
 * month's is missing (and never rewritten by a restart), `voicereel usage report` reading real usage
 * from a running server's database, and `voicereel db backup` copying that database while the server
 * runs. The data dir is seeded by opening its database directly before the first start. The server
 * runs inside the test process; the CLI runs as a process of its own beside it.
 */

const LAST = previousMonth(Date.now());
const THIS = monthOf(Date.now());
const REPORT_MSG = 'monthly usage report written';
// One bootstrap key across restarts, so the database holds exactly it and the key made below.
const ADMIN_KEY = `vr_test_${randomBytes(16).toString('hex')}`;

const dirs: string[] = [];
const servers: AppServer[] = [];

afterAll(async () => {
  for (const s of servers) await s.stop();
  for (const d of dirs) removeDir(d);
});

async function start(dataDir: string): Promise<AppServer> {
  const server = await startApp({ dataDir, adminKey: ADMIN_KEY, config: '[engine]\nworkers = 1\n' });
  servers.push(server);
  return server;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Totals = { requests: number; synthesized_seconds: number; characters: number; registrations: number };
type Report = {
  month: string;
  generated_at: string;
  keys: Array<Totals & { key_id: string; project: string }>;
  projects: Array<Totals & { project: string }>;
  total: Totals;
};

const dataDir = mkdtempSync(join(tmpdir(), 'vr-reports-'));
dirs.push(dataDir);
const reportsDir = join(dataDir, 'reports');
const dbFile = join(dataDir, 'voicereel.db');

describe('reports, usage CLI and backups on one data dir', () => {
  it("writes last month's report at start-up when it is missing; a restart does not rewrite it", async () => {
    // Usage from last month (the server was down on the 1st) and from this month, seeded directly.
    const db = openDatabase(dbFile);
    const add = db.prepare(
      `INSERT INTO usage (key_id, project, month, requests, synthesized_seconds, characters, registrations)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    add.run('key_aaaaaaaaaaaaaaaa', 'p1', LAST, 10, 12.5, 300, 0);
    add.run('key_bbbbbbbbbbbbbbbb', 'p1', LAST, 2, 0, 0, 1);
    add.run('key_cccccccccccccccc', 'p2', LAST, 1, 3.25, 40, 2);
    add.run('key_seedseedseedseed', 'p1', THIS, 5, 0, 0, 0);
    closeDatabase(db);

    const first = await start(dataDir);
    const json = join(reportsDir, `usage-${LAST}.json`);
    const csv = join(reportsDir, `usage-${LAST}.csv`);
    expect(readdirSync(reportsDir).sort()).toEqual([`usage-${LAST}.csv`, `usage-${LAST}.json`]);
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    expect(report.month).toBe(LAST);
    expect(report.keys.map((k) => [k.key_id, k.requests])).toEqual([
      ['key_aaaaaaaaaaaaaaaa', 10],
      ['key_bbbbbbbbbbbbbbbb', 2],
      ['key_cccccccccccccccc', 1],
    ]);
    expect(report.projects).toEqual([
      { project: 'p1', requests: 12, synthesized_seconds: 12.5, characters: 300, registrations: 1 },
      { project: 'p2', requests: 1, synthesized_seconds: 3.25, characters: 40, registrations: 2 },
    ]);
    expect(report.total).toEqual({
      requests: 13,
      synthesized_seconds: 15.75,
      characters: 340,
      registrations: 3,
    });
    expect(readFileSync(csv, 'utf8').trim().split('\n')).toEqual([
      'month,project,key_id,requests,synthesized_seconds,characters,registrations',
      `${LAST},p1,key_aaaaaaaaaaaaaaaa,10,12.5,300,0`,
      `${LAST},p1,key_bbbbbbbbbbbbbbbb,2,0,0,1`,
      `${LAST},p2,key_cccccccccccccccc,1,3.25,40,2`,
      `${LAST},p1,*,12,12.5,300,1`,
      `${LAST},p2,*,1,3.25,40,2`,
      `${LAST},*,*,13,15.75,340,3`,
    ]);
    expect(first.logs.filter((l) => l.includes(REPORT_MSG))).toHaveLength(1);
    const mtimes = [statSync(json).mtimeMs, statSync(csv).mtimeMs];
    await first.stop();

    await sleep(50);
    const second = await start(dataDir);
    expect(second.logs.some((l) => l.includes(REPORT_MSG))).toBe(false);
    expect([statSync(json).mtimeMs, statSync(csv).mtimeMs]).toEqual(mtimes);
    expect(readdirSync(reportsDir).sort()).toEqual([`usage-${LAST}.csv`, `usage-${LAST}.json`]);
    const runs = new Database(dbFile, { readonly: true });
    try {
      expect(runs.prepare('SELECT task, period FROM cron_runs').all()).toEqual([
        { task: 'usage-report', period: LAST },
      ]);
    } finally {
      runs.close();
    }
  }, 150_000);

  it('`usage report` prints the JSON and CSV of real usage, read while the server runs', async () => {
    const server = servers[servers.length - 1] as AppServer;
    const admin = new Api(server.url, server.adminKey);
    const created = await admin.client.createKey({ name: 'r', project: 'p1' });
    expect(admin.lastStatus).toBe(201);
    const client = new Api(server.url, created.key);
    for (let i = 0; i < 3; i++) {
      await client.client.listSpeakers();
      expect(client.lastStatus).toBe(200);
    }

    // Request counts reach the database within a second; the CLI reads it beside the server.
    let report: Report | undefined;
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      const res = await cli(['usage', 'report', '--month', THIS, '--project', 'p1', '--data-dir', dataDir]);
      expect(res.code, res.stderr).toBe(0);
      report = JSON.parse(res.stdout) as Report;
      if (report.keys.find((k) => k.key_id === created.id)?.requests === 3) break;
      await sleep(300);
    }
    const keys = [
      {
        key_id: created.id,
        project: 'p1',
        requests: 3,
        synthesized_seconds: 0,
        characters: 0,
        registrations: 0,
      },
      {
        key_id: 'key_seedseedseedseed',
        project: 'p1',
        requests: 5,
        synthesized_seconds: 0,
        characters: 0,
        registrations: 0,
      },
    ].sort((a, b) => (a.key_id < b.key_id ? -1 : 1));
    expect(report).toEqual({
      month: THIS,
      generated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown as string,
      keys,
      projects: [{ project: 'p1', requests: 8, synthesized_seconds: 0, characters: 0, registrations: 0 }],
      total: { requests: 8, synthesized_seconds: 0, characters: 0, registrations: 0 },
    });

    const csv = await cli([
      'usage',
      'report',
      '--month',
      THIS,
      '--project',
      'p1',
      '--format',
      'csv',
      '--data-dir',
      dataDir,
    ]);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.trim().split('\n')).toEqual([
      'month,project,key_id,requests,synthesized_seconds,characters,registrations',
      ...keys.map((k) => `${THIS},p1,${k.key_id},${k.requests},0,0,0`),
      `${THIS},p1,*,8,0,0,0`,
      `${THIS},*,*,8,0,0,0`,
    ]);

    // Without --project the admin key's own requests (project default) are in it too.
    const all = JSON.parse(
      (await cli(['usage', 'report', '--month', THIS, '--data-dir', dataDir])).stdout,
    ) as Report;
    expect(all.projects.map((p) => p.project)).toEqual(['default', 'p1']);
    expect(all.total.requests).toBeGreaterThan(8);

    // --out writes the same report the server wrote for last month, through a temp file.
    const outFile = join(dataDir, 'exports', 'last.json');
    const written = await cli(['usage', 'report', '--month', LAST, '--out', outFile, '--data-dir', dataDir]);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout.trim()).toBe(outFile);
    expect(readdirSync(join(dataDir, 'exports'))).toEqual(['last.json']);
    const fromCli = JSON.parse(readFileSync(outFile, 'utf8')) as Report;
    const fromServer = JSON.parse(readFileSync(join(reportsDir, `usage-${LAST}.json`), 'utf8')) as Report;
    expect({ ...fromCli, generated_at: '' }).toEqual({ ...fromServer, generated_at: '' });
    const csvOut = join(dataDir, 'exports', 'last.csv');
    expect(
      (
        await cli([
          'usage',
          'report',
          '--month',
          LAST,
          '--format',
          'csv',
          '--out',
          csvOut,
          '--data-dir',
          dataDir,
        ])
      ).code,
    ).toBe(0);
    expect(readFileSync(csvOut, 'utf8')).toBe(readFileSync(join(reportsDir, `usage-${LAST}.csv`), 'utf8'));

    const bad = await cli(['usage', 'report', '--month', '2026-13', '--data-dir', dataDir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('YYYY-MM');
    const absent = await cli(['usage', 'report', '--month', THIS, '--data-dir', join(dataDir, 'nope')]);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toContain('no database');
  }, 60_000);

  it('`db backup` copies the database while the server runs: same tables, same row counts', async () => {
    const server = servers[servers.length - 1] as AppServer;
    const res = await cli(['db', 'backup', '--data-dir', dataDir]);
    expect(res.code, res.stderr).toBe(0);
    const out = res.stdout.trim();
    expect(out).toMatch(new RegExp(`^${join(dataDir, 'backups')}/voicereel-\\d{8}T\\d{6}Z\\.db$`));
    expect(readdirSync(join(dataDir, 'backups'))).toEqual([out.split('/').pop()]);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    // The server (in this process) still answers, ready, after the backup process read its database.
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    const shape = (file: string) => {
      const db = new Database(file, { readonly: true });
      try {
        const names = db
          .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
          .pluck()
          .all() as string[];
        return {
          integrity: db.pragma('integrity_check', { simple: true }) as unknown,
          counts: Object.fromEntries(
            names.map((n) => [n, db.prepare(`SELECT COUNT(*) FROM "${n}"`).pluck().get() as number]),
          ),
        };
      } finally {
        db.close();
      }
    };
    const copy = shape(out);
    expect(copy.integrity).toBe('ok');
    expect(Object.keys(copy.counts)).toEqual(
      expect.arrayContaining(['api_keys', 'usage', 'cron_runs', 'jobs']),
    );
    expect(copy.counts.api_keys).toBe(2);
    expect(copy.counts.cron_runs).toBe(1);
    expect(copy).toEqual(shape(dbFile));

    const named = join(dataDir, 'elsewhere', 'copy.db');
    const again = await cli(['db', 'backup', '--out', named, '--data-dir', dataDir]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.trim()).toBe(named);
    expect(shape(named)).toEqual(shape(dbFile));

    const absent = await cli(['db', 'backup', '--data-dir', join(dataDir, 'nope')]);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toContain('no database');
    await server.stop();
  }, 60_000);
});
