import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { startSchedule } from '../../../src/jobs/schedule.js';
import type { Clock } from '../../../src/lib/clock.js';
import { LocalObjectStore } from '../../../src/store/objects/local.js';
import { UsageMeter } from '../../../src/services/usage.js';
import { closeDatabase, type Db, openDatabase } from '../../../src/store/db.js';
import { createStore } from '../../../src/store/index.js';
import { SqliteSql } from '../../../src/store/sql/sqlite.js';

/**
 * The server's cron table (main.ts starts it): at start both tasks catch up on what fell due while
 * the server was down, the report including requests counted in memory and not yet flushed.
 */

const HOUR = 3600_000;
const open: Db[] = [];
const stops: Array<{ stop(): void }> = [];
afterEach(() => {
  for (const s of stops.splice(0)) s.stop();
  for (const db of open.splice(0)) closeDatabase(db);
});

describe('startSchedule', () => {
  it('sweeps expired files and writes last month’s report at once, then keeps its cron table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vr-schedule-'));
    const db = openDatabase(join(dir, 'voicereel.db'));
    open.push(db);
    const store = createStore(new SqliteSql(db));
    const files = new LocalObjectStore(dir);
    let now = Date.UTC(2026, 10, 30, 12);
    const clock: Clock = { now: () => now };
    const usage = new UsageMeter(store, clock);
    usage.countRequest({ keyId: 'key_a', project: 'p', admin: false });

    await store.jobs.insert({
      id: 'job_old',
      project: 'p',
      key_id: 'key_a',
      type: 'synthesize',
      payload_json: '{}',
      created_at: now - 50 * HOUR,
    });
    await files.put('jobs/job_old/audio.wav', 'x');
    await store.files.insert({
      id: 'file_old',
      job_id: 'job_old',
      project: 'p',
      kind: 'audio',
      rel_path: 'jobs/job_old/audio.wav',
      content_type: 'audio/wav',
      bytes: 1,
      created_at: now - 50 * HOUR,
      expires_at: now - 2 * HOUR,
    });

    now = Date.UTC(2026, 11, 1, 9);
    const reportsDir = join(dir, 'reports');
    stops.push(
      await startSchedule({
        store,
        objects: files,
        usage,
        clock,
        storage: {
          data_dir: dir,
          retention_hours: 48,
          cleanup_schedule: '*/15 * * * *',
          reports_dir: reportsDir,
          usage_report_schedule: '5 0 1 * *',
          backend: 'local',
          s3: configSchema.parse({}).storage.s3,
        },
        log: pino({ level: 'silent' }),
      }),
    );

    expect(existsSync(join(dir, 'jobs/job_old/audio.wav'))).toBe(false);
    expect(await store.files.get('file_old')).toBeUndefined();
    expect(readdirSync(reportsDir).sort()).toEqual(['usage-2026-11.csv', 'usage-2026-11.json']);
    const report = JSON.parse(readFileSync(join(reportsDir, 'usage-2026-11.json'), 'utf8')) as {
      total: { requests: number };
    };
    expect(report.total.requests).toBe(1);
  });
});
