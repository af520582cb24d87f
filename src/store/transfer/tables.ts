import type { Sql } from '../sql/client.js';

/**
 * Every table the migrations create, parents before their children (files, job_events and
 * webhook_deliveries name jobs; console_sessions names api_keys): the order `voicereel migrate`
 * copies them in. A table the migrations add later must be named here too; until it is, the copy
 * refuses to start rather than leave it behind.
 */
export const TRANSFER_ORDER = [
  'api_keys',
  'speakers',
  'jobs',
  'files',
  'usage',
  'seen_signatures',
  'cron_runs',
  'preset_profiles',
  'queue_turns',
  'job_events',
  'webhook_deliveries',
  'lexicons',
  'idempotency_keys',
  'console_sessions',
  'task_ticks',
  'rate_buckets',
  'cluster_secrets',
] as const;

/**
 * Columns PostgreSQL stores that SQLite keeps implicitly, and where SQLite has them: a job's arrival
 * order (`jobs.seq`, which breaks ties between jobs queued in the same millisecond) is its rowid.
 */
const IMPLIED: Readonly<Record<string, Readonly<Record<string, string>>>> = { jobs: { seq: 'rowid' } };

/**
 * Source columns read through an expression. A job the source was running when its snapshot was
 * taken has no lease (one SQLite node recovers every running job at its start); on PostgreSQL only a
 * lease that ran out is taken over, so it arrives with one that ran out long ago (0), and the first
 * node to start runs it again, as a restart would. Copy and checksum both read it this way.
 */
const REWRITTEN: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  jobs: { lease_until: "CASE WHEN status = 'running' THEN COALESCE(lease_until, 0) ELSE lease_until END" },
};

/** One table as both sides read and write it. */
export interface TableSpec {
  name: string;
  /** Every column, in the order a row is serialized for its checksum. */
  columns: string[];
  /** The primary key's columns, in key order. */
  key: string[];
  /** What SQLite selects for an implied or rewritten column; the others are themselves. */
  sourceExpr: Readonly<Record<string, string>>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Names go into SQL text: only plain lowercase identifiers, which is all the migrations create. */
function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`unexpected identifier in the schema: ${JSON.stringify(name)}`);
  return name;
}

/**
 * The tables of an SQLite source as the copy will move them, read from the source's own schema, and
 * checked against the PostgreSQL target's: the same tables with the same columns, or an error
 * naming the first difference (both were migrated to the same list, so a difference is a bug or a
 * hand-edited database, and copying into it would lose data).
 */
export async function tableSpecs(source: Sql, target: Sql): Promise<TableSpec[]> {
  const present = await source.all<{ name: string }>(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
       AND name <> 'schema_migrations' ORDER BY name`,
  );
  const known = new Set<string>(TRANSFER_ORDER);
  const unknown = present.map((t) => t.name).filter((n) => !known.has(n));
  if (unknown.length > 0)
    throw new Error(`the source has tables migrate does not know: ${unknown.join(', ')}`);
  const specs: TableSpec[] = [];
  for (const name of TRANSFER_ORDER) {
    const spec = await sourceSpec(source, name);
    await checkTarget(target, spec);
    specs.push(spec);
  }
  return specs;
}

async function sourceSpec(source: Sql, name: string): Promise<TableSpec> {
  const info = await source.all<{ name: string; pk: number }>(
    'SELECT name, pk FROM pragma_table_info(?) ORDER BY cid',
    [name],
  );
  if (info.length === 0) throw new Error(`the source has no table ${name}`);
  const implied = IMPLIED[name] ?? {};
  const key = info
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => identifier(c.name));
  if (key.length === 0) throw new Error(`table ${name} has no primary key`);
  return {
    name: identifier(name),
    columns: [...Object.keys(implied), ...info.map((c) => c.name)].map(identifier),
    key,
    sourceExpr: { ...implied, ...REWRITTEN[name] },
  };
}

async function checkTarget(target: Sql, spec: TableSpec): Promise<void> {
  const rows = await target.all<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = ?`,
    [spec.name],
  );
  const have = rows.map((r) => r.column_name).sort();
  const want = [...spec.columns].sort();
  if (have.join(',') !== want.join(',')) {
    throw new Error(
      `table ${spec.name} differs between source and target: source (${want.join(', ')}), ` +
        `target (${have.join(', ') || 'no such table'})`,
    );
  }
}
