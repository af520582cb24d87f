import { type Clock, monthOf } from '../lib/clock.js';
import type { Store } from '../store/index.js';
import type { UsageDelta, UsageRepo, UsageRow } from '../store/usage-repo.js';
import { type Principal, projectScope } from './keys.js';

/**
 * Per-key monthly counters. Request counts arrive at API rates, so they are summed in memory and
 * flushed in one transaction every second (and at shutdown); billing-relevant amounts (seconds,
 * characters, registrations) are written at once by the caller's own transaction-free upsert.
 */
export class UsageMeter {
  private pending = new Map<string, { project: string; month: string; requests: number }>();

  constructor(
    private readonly store: Pick<Store, 'usage' | 'transaction'>,
    private readonly clock: Clock,
  ) {}

  countRequest(who: Principal): void {
    const month = monthOf(this.clock.now());
    const k = `${who.keyId}\u0000${month}`;
    const entry = this.pending.get(k);
    if (entry) entry.requests += 1;
    else this.pending.set(k, { project: who.project, month, requests: 1 });
  }

  /** Adds billable amounts at once; `usage` is a transaction's repository when the caller is in one. */
  record(
    who: Pick<Principal, 'keyId' | 'project'>,
    delta: UsageDelta,
    usage: Pick<UsageRepo, 'add'> = this.store.usage,
  ): Promise<void> {
    return usage.add(who.keyId, who.project, monthOf(this.clock.now()), delta);
  }

  /** A month's usage as the caller may see it (its project; an admin's: all), counted up to now. */
  async report(who: Principal, month: string): Promise<UsageReport> {
    await this.flush();
    return buildUsageReport(this.store.usage, month, projectScope(who));
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.store.transaction(async (tx) => {
        for (const [k, v] of batch)
          await tx.usage.add(k.split('\u0000')[0] ?? '', v.project, v.month, { requests: v.requests });
      });
    } catch (err) {
      // Not written (a full disk, say): the counts wait for the next flush instead of being lost.
      for (const [k, v] of batch) {
        const now = this.pending.get(k);
        if (now) now.requests += v.requests;
        else this.pending.set(k, v);
      }
      throw err;
    }
  }
}

export interface UsageTotals {
  requests: number;
  synthesized_seconds: number;
  characters: number;
  registrations: number;
}

export interface UsageReport {
  month: string;
  keys: Array<UsageTotals & { key_id: string; project: string }>;
  projects: Array<UsageTotals & { project: string }>;
  total: UsageTotals;
}

const zero = (): UsageTotals => ({ requests: 0, synthesized_seconds: 0, characters: 0, registrations: 0 });

function addInto(into: UsageTotals, row: UsageTotals): void {
  into.requests += row.requests;
  into.synthesized_seconds += row.synthesized_seconds;
  into.characters += row.characters;
  into.registrations += row.registrations;
}

/** The monthly report: per key, per project and in total. `project` limits it to one project. */
export async function buildUsageReport(
  repo: Pick<UsageRepo, 'forMonth'>,
  month: string,
  project?: string,
): Promise<UsageReport> {
  const rows: UsageRow[] = await repo.forMonth(month, project);
  const total = zero();
  const byProject = new Map<string, UsageTotals>();
  for (const r of rows) {
    addInto(total, r);
    const p = byProject.get(r.project) ?? zero();
    addInto(p, r);
    byProject.set(r.project, p);
  }
  const round = (t: UsageTotals): UsageTotals => ({
    ...t,
    synthesized_seconds: Math.round(t.synthesized_seconds * 1000) / 1000,
  });
  return {
    month,
    keys: rows.map((r) => ({
      key_id: r.key_id,
      project: r.project,
      ...round({
        requests: r.requests,
        synthesized_seconds: r.synthesized_seconds,
        characters: r.characters,
        registrations: r.registrations,
      }),
    })),
    projects: [...byProject].map(([p, t]) => ({ project: p, ...round(t) })),
    total: round(total),
  };
}

/**
 * The same report as CSV, for spreadsheets: one row per key, then one per project (key_id `*`), then
 * the total (project and key_id `*`).
 */
export function usageReportCsv(report: UsageReport): string {
  const header = 'month,project,key_id,requests,synthesized_seconds,characters,registrations';
  const line = (project: string, key: string, t: UsageTotals) =>
    [report.month, project, key, t.requests, t.synthesized_seconds, t.characters, t.registrations].join(',');
  return (
    [
      header,
      ...report.keys.map((k) => line(k.project, k.key_id, k)),
      ...report.projects.map((p) => line(p.project, '*', p)),
      line('*', '*', report.total),
    ].join('\n') + '\n'
  );
}
