import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/lib/clock.js';
import { monthOf, msUntilNextMonth } from '../../../src/lib/clock.js';
import { buildUsageReport, UsageMeter, usageReportCsv } from '../../../src/services/usage.js';
import { openDatabase } from '../../../src/store/db.js';
import { createStore } from '../../../src/store/index.js';
import { SqliteSql } from '../../../src/store/sql/sqlite.js';

function setup(at: number) {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'vr-usage-')), 'db.sqlite'));
  const store = createStore(new SqliteSql(db));
  const repo = store.usage;
  let now = at;
  const clock: Clock = { now: () => now };
  const meter = new UsageMeter(store, clock);
  return { repo, meter, setNow: (ms: number) => (now = ms) };
}

describe('usage metering', () => {
  it('counts per key and month, batching request counts until flushed', async () => {
    const { repo, meter, setNow } = setup(Date.UTC(2026, 10, 30, 23, 59));
    const a = { keyId: 'key_a', project: 'p1', admin: false };
    const b = { keyId: 'key_b', project: 'p2', admin: false };
    meter.countRequest(a);
    meter.countRequest(a);
    meter.countRequest(b);
    expect(await repo.forMonth('2026-11')).toEqual([]);
    await meter.flush();
    await meter.record(a, { characters: 120, synthesized_seconds: 9.5 });
    await meter.record(a, { registrations: 1 });
    setNow(Date.UTC(2026, 11, 1, 0, 1));
    meter.countRequest(a);
    await meter.record(a, { characters: 5 });
    await meter.flush();

    const nov = await buildUsageReport(repo, '2026-11');
    expect(nov.keys).toEqual([
      {
        key_id: 'key_a',
        project: 'p1',
        requests: 2,
        synthesized_seconds: 9.5,
        characters: 120,
        registrations: 1,
      },
      {
        key_id: 'key_b',
        project: 'p2',
        requests: 1,
        synthesized_seconds: 0,
        characters: 0,
        registrations: 0,
      },
    ]);
    expect(nov.total).toEqual({ requests: 3, synthesized_seconds: 9.5, characters: 120, registrations: 1 });
    expect(nov.projects.map((p) => p.project)).toEqual(['p1', 'p2']);
    expect((await buildUsageReport(repo, '2026-11', 'p2')).total.requests).toBe(1);
    expect((await buildUsageReport(repo, '2026-12')).total).toEqual({
      requests: 1,
      synthesized_seconds: 0,
      characters: 5,
      registrations: 0,
    });
    expect(await repo.charactersFor('key_a', '2026-11')).toBe(120);
  });

  it('writes the monthly report as CSV with project and total rows', async () => {
    const { repo, meter } = setup(Date.UTC(2026, 0, 15));
    await meter.record({ keyId: 'key_a', project: 'p1' }, { characters: 7, synthesized_seconds: 1.25 });
    const csv = usageReportCsv(await buildUsageReport(repo, '2026-01'));
    expect(csv.trim().split('\n')).toEqual([
      'month,project,key_id,requests,synthesized_seconds,characters,registrations',
      '2026-01,p1,key_a,0,1.25,7,0',
      '2026-01,p1,*,0,1.25,7,0',
      '2026-01,*,*,0,1.25,7,0',
    ]);
  });

  it('knows month boundaries in UTC', () => {
    expect(monthOf(Date.UTC(2026, 11, 31, 23, 59, 59))).toBe('2026-12');
    expect(msUntilNextMonth(Date.UTC(2026, 11, 31, 23, 59, 0))).toBe(60_000);
  });
});
