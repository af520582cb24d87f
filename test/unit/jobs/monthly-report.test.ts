import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import cron from 'node-cron';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startCron } from '../../../src/jobs/cron.js';
import {
  previousMonth,
  type ReportWriter,
  runMonthlyUsageReport,
  USAGE_REPORT_TASK,
} from '../../../src/jobs/monthly-report.js';
import type { Clock } from '../../../src/lib/clock.js';
import { LocalObjectStore } from '../../../src/store/objects/local.js';
import { CronRunsRepo } from '../../../src/store/cron-runs-repo.js';
import { closeDatabase, type Db, openDatabase } from '../../../src/store/db.js';
import { SqliteSql } from '../../../src/store/sql/sqlite.js';
import { UsageRepo } from '../../../src/store/usage-repo.js';

/**
 * The monthly usage report (issue 4, SPEC Operations "a monthly cron job writes a usage report (JSON
 * and CSV) for the past month"): which month, what the files hold, that a run is recorded so it never
 * repeats (also across a restart), and that a report missed while the server was down is caught up.
 * Time is a controlled clock; the files go to a real directory through LocalObjectStore.
 */

const log = pino({ level: 'silent' });
const open: Db[] = [];

afterEach(() => {
  for (const db of open.splice(0)) closeDatabase(db);
});

function setup(at: number) {
  const dir = mkdtempSync(join(tmpdir(), 'vr-report-'));
  const dbFile = join(dir, 'voicereel.db');
  const reportsDir = join(dir, 'reports');
  let now = at;
  const clock: Clock = { now: () => now };
  let db = openDatabase(dbFile);
  open.push(db);
  const files = new LocalObjectStore(reportsDir);
  const run = (writer: ReportWriter = files) =>
    runMonthlyUsageReport({
      usage: new UsageRepo(new SqliteSql(db)),
      runs: new CronRunsRepo(new SqliteSql(db)),
      files: writer,
      clock,
      log,
    });
  return {
    reportsDir,
    run,
    setNow: (ms: number) => (now = ms),
    usage: () => new UsageRepo(new SqliteSql(db)),
    /** A restart: the database is closed and opened again; nothing survives but the files. */
    restart: () => {
      closeDatabase(db);
      db = openDatabase(dbFile);
      open.push(db);
    },
    runs: () => db.prepare('SELECT task, period, ran_at FROM cron_runs ORDER BY period').all(),
  };
}

const listing = (dir: string) => readdirSync(dir).sort();

describe('previousMonth', () => {
  it('is the UTC month before, across year ends and month lengths', () => {
    expect(previousMonth(Date.UTC(2026, 11, 1, 0, 5))).toBe('2026-11');
    expect(previousMonth(Date.UTC(2027, 0, 1, 0, 0, 0))).toBe('2026-12');
    expect(previousMonth(Date.UTC(2026, 2, 31, 12))).toBe('2026-02');
    // One millisecond before midnight UTC is still the old month, whatever the local zone says.
    expect(previousMonth(Date.UTC(2026, 11, 31, 23, 59, 59, 999))).toBe('2026-11');
  });
});

describe('monthly usage report', () => {
  it('writes last month as JSON and CSV (per key, per project, total) and records the run', async () => {
    const s = setup(Date.UTC(2026, 11, 1, 0, 5));
    const usage = s.usage();
    await usage.add('key_a', 'p1', '2026-11', { requests: 3, characters: 120, synthesized_seconds: 9.5 });
    await usage.add('key_b', 'p1', '2026-11', { requests: 1, registrations: 1 });
    await usage.add('key_c', 'p2', '2026-11', { requests: 2, characters: 10, synthesized_seconds: 0.25 });
    await usage.add('key_a', 'p1', '2026-10', { requests: 99 }); // another month: not in this report
    await usage.add('key_a', 'p1', '2026-12', { requests: 7 }); // the current month: not yet

    const out = await s.run();
    expect(out).toEqual({
      month: '2026-11',
      written: true,
      files: ['usage-2026-11.json', 'usage-2026-11.csv'],
    });
    // Written by temp file + rename: nothing else is left in the directory.
    expect(listing(s.reportsDir)).toEqual(['usage-2026-11.csv', 'usage-2026-11.json']);

    const json = JSON.parse(readFileSync(join(s.reportsDir, 'usage-2026-11.json'), 'utf8')) as unknown;
    expect(json).toEqual({
      month: '2026-11',
      generated_at: '2026-12-01T00:05:00.000Z',
      keys: [
        {
          key_id: 'key_a',
          project: 'p1',
          requests: 3,
          synthesized_seconds: 9.5,
          characters: 120,
          registrations: 0,
        },
        {
          key_id: 'key_b',
          project: 'p1',
          requests: 1,
          synthesized_seconds: 0,
          characters: 0,
          registrations: 1,
        },
        {
          key_id: 'key_c',
          project: 'p2',
          requests: 2,
          synthesized_seconds: 0.25,
          characters: 10,
          registrations: 0,
        },
      ],
      projects: [
        { project: 'p1', requests: 4, synthesized_seconds: 9.5, characters: 120, registrations: 1 },
        { project: 'p2', requests: 2, synthesized_seconds: 0.25, characters: 10, registrations: 0 },
      ],
      total: { requests: 6, synthesized_seconds: 9.75, characters: 130, registrations: 1 },
    });
    expect(readFileSync(join(s.reportsDir, 'usage-2026-11.csv'), 'utf8').trim().split('\n')).toEqual([
      'month,project,key_id,requests,synthesized_seconds,characters,registrations',
      '2026-11,p1,key_a,3,9.5,120,0',
      '2026-11,p1,key_b,1,0,0,1',
      '2026-11,p2,key_c,2,0.25,10,0',
      '2026-11,p1,*,4,9.5,120,1',
      '2026-11,p2,*,2,0.25,10,0',
      '2026-11,*,*,6,9.75,130,1',
    ]);
    expect(s.runs()).toEqual([
      { task: USAGE_REPORT_TASK, period: '2026-11', ran_at: Date.UTC(2026, 11, 1, 0, 5) },
    ]);
  });

  it('never writes a month twice: not later that month, not after a restart', async () => {
    const s = setup(Date.UTC(2026, 11, 1, 0, 5));
    await s.usage().add('key_a', 'p1', '2026-11', { requests: 1 });
    expect((await s.run()).written).toBe(true);
    const json = join(s.reportsDir, 'usage-2026-11.json');
    const first = statSync(json).mtimeMs;
    const firstText = readFileSync(json, 'utf8');

    // Usage that arrives late for November does not trigger a rewrite either.
    await s.usage().add('key_a', 'p1', '2026-11', { requests: 5 });
    s.setNow(Date.UTC(2026, 11, 1, 0, 6));
    expect(await s.run()).toEqual({ month: '2026-11', written: false });
    s.restart();
    s.setNow(Date.UTC(2026, 11, 20, 9));
    expect(await s.run()).toEqual({ month: '2026-11', written: false });
    expect(statSync(json).mtimeMs).toBe(first);
    expect(readFileSync(json, 'utf8')).toBe(firstText);
    expect(s.runs()).toHaveLength(1);

    // The next month's run writes the next report, beside the first.
    s.setNow(Date.UTC(2027, 0, 1, 0, 5));
    expect(await s.run()).toMatchObject({ month: '2026-12', written: true });
    expect(listing(s.reportsDir)).toEqual([
      'usage-2026-11.csv',
      'usage-2026-11.json',
      'usage-2026-12.csv',
      'usage-2026-12.json',
    ]);
    expect(s.runs()).toMatchObject([{ period: '2026-11' }, { period: '2026-12' }]);
  });

  it('catches up at start-up when the server was down on the 1st', async () => {
    // The server last ran in November; it comes back on 15 December, when November's report is due.
    const s = setup(Date.UTC(2026, 10, 20));
    await s.usage().add('key_a', 'p1', '2026-11', { requests: 4, characters: 50 });
    expect(await s.run()).toMatchObject({ month: '2026-10', written: true }); // November's own start-up
    s.restart();
    s.setNow(Date.UTC(2026, 11, 15, 8, 30));
    const caught = await s.run();
    expect(caught).toMatchObject({ month: '2026-11', written: true });
    const json = JSON.parse(readFileSync(join(s.reportsDir, 'usage-2026-11.json'), 'utf8')) as {
      total: { requests: number; characters: number };
      generated_at: string;
    };
    expect(json.total).toMatchObject({ requests: 4, characters: 50 });
    expect(json.generated_at).toBe('2026-12-15T08:30:00.000Z');
    // The cron entry firing later the same month finds the run recorded.
    expect((await s.run()).written).toBe(false);
  });

  it('writes an empty month too, so every month has its report', async () => {
    const s = setup(Date.UTC(2026, 11, 1, 0, 5));
    await s.run();
    expect(readFileSync(join(s.reportsDir, 'usage-2026-11.csv'), 'utf8')).toBe(
      'month,project,key_id,requests,synthesized_seconds,characters,registrations\n2026-11,*,*,0,0,0,0\n',
    );
  });

  it('records nothing when a file cannot be written, so the next run tries again', async () => {
    const s = setup(Date.UTC(2026, 11, 1, 0, 5));
    await s.usage().add('key_a', 'p1', '2026-11', { requests: 2 });
    const written: string[] = [];
    const failing: ReportWriter = {
      put: (name) => {
        if (name.endsWith('.csv')) return Promise.reject(new Error('ENOSPC: no space left on device'));
        written.push(name);
        return Promise.resolve();
      },
    };
    await expect(s.run(failing)).rejects.toThrow(/ENOSPC/);
    expect(written).toEqual(['usage-2026-11.json']);
    expect(s.runs()).toEqual([]);
    // Space is back (or the server restarted): both files are written and the run recorded.
    expect(await s.run()).toMatchObject({ month: '2026-11', written: true });
    expect(listing(s.reportsDir)).toEqual(['usage-2026-11.csv', 'usage-2026-11.json']);
    expect(s.runs()).toHaveLength(1);
  });
});

describe('cron schedules', () => {
  const savedTz = process.env.TZ;
  afterEach(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  it('are read in UTC whatever the machine time zone (the default report schedule fires at 00:05 UTC on the 1st)', () => {
    process.env.TZ = 'Asia/Seoul'; // UTC+9: a local reading would fire at 15:05 UTC on the last day
    expect(new Date(Date.UTC(2026, 0, 1)).getHours()).toBe(9);
    const name = `probe-${Date.now()}`;
    const crons = startCron([{ name, schedule: '5 0 1 * *', run: () => undefined }], log);
    try {
      const task = [...cron.getTasks().values()].find((t) => t.name === name);
      expect(task).toBeDefined();
      const next = task?.getNextRun();
      const now = new Date();
      const thisMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1, 0, 5);
      const expected =
        thisMonth > now.getTime()
          ? thisMonth
          : Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 0, 5);
      expect(next?.getTime()).toBe(expected);
    } finally {
      crons.stop();
    }
  });
});
