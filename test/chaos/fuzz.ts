import { removeDir, startServer, type TestServer } from '../helpers/server.js';
import { type Category, generate } from './fuzz-cases.js';
import { tempFiles } from './fsutil.js';
import { assemble, type FuzzCase, type FuzzTargets, request } from './fuzz-request.js';
import { Rand } from './rand.js';
import { send } from './raw-http.js';
import { RssSampler, type RssFigures } from './rss.js';
import { makeTargets } from './targets.js';
import { judge, type Problem } from './verdict.js';

export interface FuzzOptions {
  count: number;
  seed: number;
  concurrency: number;
  categories: readonly Category[];
  /** Stop generating after this long even if `count` is not reached (the figures say so). */
  timeLimitMs: number;
  /** RSS may rise at most this far above the post-warm-up baseline at any moment. */
  rssPeakLimitMiB: number;
  /** RSS may end at most this far above the baseline. */
  rssGrowthLimitMiB: number;
  log: (line: string) => void;
}

export interface FuzzFailure {
  category: string;
  method: string;
  target: string;
  request: string;
  problems: Problem[];
  status?: number;
  answer?: string;
}

export interface FuzzReport {
  seed: number;
  requests: number;
  requested: number;
  seconds: number;
  by_category: Record<string, number>;
  by_status: Record<string, number>;
  by_code: Record<string, number>;
  problems: Record<Problem, number>;
  failures: FuzzFailure[];
  /** Answers with a problem, by category:problems:status (and whether a shared X-Request-Id was sent). */
  failure_kinds: Record<string, number>;
  health_checks: { ok: number; failed: number };
  crashed: boolean;
  server_exit: string;
  rss: RssFigures;
  orphan_temp_files: string[];
  error_log_lines: number;
  last_words?: string[];
  pass: boolean;
  fail_reasons: string[];
}

const MAX_LISTED_FAILURES = 100;

/** Starts a real server, points the generators at it, and judges every answer. */
export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const server = await startServer({ config: '[engine]\nworkers = 1\n[jobs]\nconcurrency = 1\n' });
  try {
    return await fuzzServer(server, opts);
  } finally {
    await server.kill();
    removeDir(server.dataDir);
  }
}

async function fuzzServer(server: TestServer, opts: FuzzOptions): Promise<FuzzReport> {
  const pid = server.proc.pid ?? 0;
  const port = Number(new URL(server.url).port);
  const targets = await makeTargets(server.url, server.adminKey);
  const rss = new RssSampler(pid);
  rss.markBaseline();
  const r = new Rand(opts.seed);
  const tally = newTally();
  const followUps: FuzzCase[] = [];
  let crashed = false;
  server.proc.once('exit', () => (crashed = true));
  const started = performance.now();
  let generated = 0;

  const next = (): FuzzCase | undefined => {
    const f = followUps.shift();
    if (f) return f;
    if (generated >= opts.count || performance.now() - started > opts.timeLimitMs) return undefined;
    generated++;
    return generate(r, targets, opts.categories);
  };

  const lane = async () => {
    for (let c = next(); c && !crashed; c = next()) {
      for (let i = 0; i < (c.repeat ?? 1); i++) {
        const outcome = await send(port, c.req);
        const verdict = judge(outcome, c.method, c.answerExpected);
        tally.record(c, outcome.kind === 'response' ? outcome.response : undefined, verdict);
        const accepted = outcome.kind === 'response' && outcome.response.status === 202;
        if (accepted) followUps.push(...cancelAccepted(r, targets, outcome.response.body));
      }
      if (tally.requests % 200 === 0) await tally.health(server.url);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, lane));
  const seconds = (performance.now() - started) / 1000;
  opts.log(`fuzz: ${tally.requests} requests in ${seconds.toFixed(1)} s`);

  if (!crashed) await tally.health(server.url);
  const orphans = crashed ? [] : await settledTempFiles(server.dataDir);
  const rssFigures = rss.stop();
  const died = crashed;
  const errorLines = server.logs.filter((l) => /"level":"(error|fatal)"/.test(l));
  const errorLogLines = errorLines.length;
  // What a dead server said last: its error lines and the tail (an uncaught exception's stack).
  const lastWords = died ? [...errorLines.slice(-5), ...server.logs.slice(-25)] : undefined;
  await server.stop();
  const exit = `code ${server.proc.exitCode} signal ${server.proc.signalCode}`;

  const report: FuzzReport = {
    seed: opts.seed,
    requests: tally.requests,
    requested: opts.count,
    seconds: Math.round(seconds * 10) / 10,
    by_category: tally.byCategory,
    by_status: tally.byStatus,
    by_code: tally.byCode,
    problems: tally.problems,
    failures: tally.failures,
    failure_kinds: Object.fromEntries(Object.entries(tally.kinds).filter(([k]) => !k.includes('::'))),
    health_checks: tally.healthChecks,
    crashed: died,
    server_exit: exit,
    rss: rssFigures,
    orphan_temp_files: orphans,
    error_log_lines: errorLogLines,
    ...(lastWords ? { last_words: lastWords.map((l) => l.slice(0, 2000)) } : {}),
    pass: false,
    fail_reasons: [],
  };
  report.fail_reasons = fuzzFailReasons(report, opts);
  report.pass = report.fail_reasons.length === 0;
  return report;
}

function fuzzFailReasons(rep: FuzzReport, opts: FuzzOptions): string[] {
  const reasons: string[] = [];
  if (rep.requests < rep.requested) reasons.push(`only ${rep.requests} of ${rep.requested} requests in time`);
  for (const [p, n] of Object.entries(rep.problems)) if (n > 0) reasons.push(`${n} × ${p}`);
  if (rep.crashed) reasons.push('the server process died');
  if (rep.health_checks.failed > 0) reasons.push(`${rep.health_checks.failed} failed /healthz checks`);
  if (rep.rss.peak_over_baseline_mib > opts.rssPeakLimitMiB)
    reasons.push(
      `RSS peaked ${rep.rss.peak_over_baseline_mib} MiB over baseline (limit ${opts.rssPeakLimitMiB})`,
    );
  if (rep.rss.growth_mib > opts.rssGrowthLimitMiB)
    reasons.push(`RSS grew ${rep.rss.growth_mib} MiB over the run (limit ${opts.rssGrowthLimitMiB})`);
  if (rep.orphan_temp_files.length > 0) reasons.push(`${rep.orphan_temp_files.length} orphan temp files`);
  return reasons;
}

/** A 202 made a job: cancel it at once, so accepted fuzz does not pile up work for the one worker. */
function cancelAccepted(r: Rand, t: FuzzTargets, body: Buffer): FuzzCase[] {
  let jobId: unknown;
  try {
    jobId = (JSON.parse(body.toString('utf8')) as { job_id?: unknown }).job_id;
  } catch {
    return [];
  }
  if (typeof jobId !== 'string') return [];
  const target = `/v1/jobs/${jobId}`;
  const head = assemble(r, t, { method: 'DELETE', target, auth: 'admin' });
  return [
    {
      category: 'cancel-accepted',
      method: 'DELETE',
      target,
      req: request(head, Buffer.alloc(0)),
      answerExpected: true,
    },
  ];
}

function newTally() {
  const problems = Object.fromEntries(
    (
      [
        'server_error',
        'bad_error_shape',
        'unknown_error_code',
        'leaked_internals',
        'no_answer',
        'hung',
      ] as const
    ).map((p) => [p, 0]),
  ) as Record<Problem, number>;
  const t = {
    requests: 0,
    byCategory: {} as Record<string, number>,
    byStatus: {} as Record<string, number>,
    byCode: {} as Record<string, number>,
    problems,
    failures: [] as FuzzFailure[],
    kinds: {} as Record<string, number>,
    healthChecks: { ok: 0, failed: 0 },
    record(c: FuzzCase, res: { status: number; body: Buffer } | undefined, v: ReturnType<typeof judge>) {
      t.requests++;
      bump(t.byCategory, c.category);
      bump(t.byStatus, res ? String(res.status) : 'none');
      if (v.code) bump(t.byCode, v.code);
      for (const p of v.problems) t.problems[p]++;
      // A few examples of each kind of failure, not the first forty of the commonest.
      const shared = c.req.head.includes('fuzz-shared-upload-id') ? ':shared-request-id' : '';
      const kind = `${c.category}:${v.problems.join('+')}:${res?.status ?? 'none'}${shared}`;
      const seen = (t.kinds[kind] = (t.kinds[kind] ?? 0) + 1);
      if (v.problems.length > 0 && seen <= 3 && t.failures.length < MAX_LISTED_FAILURES) {
        t.failures.push({
          category: c.category,
          method: c.method,
          target: c.target.slice(0, 160),
          request: c.req.head.toString('latin1').slice(0, 400),
          problems: v.problems,
          status: res?.status,
          answer: res?.body.toString('utf8').slice(0, 300),
        });
      }
    },
    async health(url: string) {
      const res = await fetch(`${url}/healthz`).catch(() => undefined);
      if (res?.status === 200) t.healthChecks.ok++;
      else t.healthChecks.failed++;
      await res?.arrayBuffer();
    },
  };
  return t;
}

function bump(m: Record<string, number>, k: string): void {
  m[k] = (m[k] ?? 0) + 1;
}

/** Upload temp files and the local object store's temp names left once requests have settled (waits up to 10 s). */
async function settledTempFiles(dataDir: string): Promise<string[]> {
  const until = Date.now() + 10_000;
  for (;;) {
    const left = tempFiles(dataDir);
    if (left.length === 0 || Date.now() > until) return left;
    await new Promise((r) => setTimeout(r, 250));
  }
}
