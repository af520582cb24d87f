import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { librivoxReference } from '../helpers/fixtures.js';
import { removeDir, type TestServer } from '../helpers/server.js';
import { acceptedFailReasons, dataDirFailReasons, registerBase, serverLives } from './crash.js';
import { type DataDirFigures, inspectDataDir } from './datadir.js';
import { Ledger, mixedLoad, settleAccepted } from './load.js';
import { Rand } from './rand.js';
import { head, send } from './raw-http.js';
import { errorShape } from './verdict.js';

export interface RestartReport {
  rounds: Array<{
    after_ms: number;
    shutdown_timeout_seconds: number;
    exit: string;
    uploads_in_flight: number;
    /** Error lines and the last lines the server wrote, when it did not stop cleanly. */
    last_words?: string[];
  }>;
  /** What each upload that was in flight when SIGTERM came got: 202, an error code, or a network error. */
  in_flight_uploads: Record<string, number>;
  accepted: number;
  terminal: Record<string, number>;
  failures: Record<string, number>;
  lost: string[];
  unfinished: string[];
  requests: Record<string, number>;
  data_dir: DataDirFigures;
  pass: boolean;
  fail_reasons: string[];
}

/** Connection refused means the upload was never sent: a clean outcome, the client knows to retry. */
const CLEAN_NETWORK = new Set(['ECONNREFUSED']);

/** SIGTERM while uploads and jobs are in flight; then every accepted job must still end. */
export async function runRestart(
  rounds: number,
  seed: number,
  log: (l: string) => void,
): Promise<RestartReport> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vr-chaos-restart-'));
  const lives = serverLives(dataDir);
  const r = new Rand(seed + 7);
  const ledger = new Ledger();
  const inFlight: Record<string, number> = {};
  const roundFigures: RestartReport['rounds'] = [];
  let server: TestServer | undefined;
  try {
    const withGrace = (grace: number) =>
      `[engine]\nworkers = 1\n[jobs]\nconcurrency = 1\n[server]\nshutdown_timeout_seconds = ${grace}\n`;
    let grace = r.pick([0, 1, 5]);
    server = await lives.start(withGrace(grace));
    const baseSpeaker = await registerBase(server.url, lives.adminKey);
    const reference = librivoxReference();
    const upload = await uploadBytes(reference);
    for (let i = 0; i < rounds; i++) {
      const live = server;
      const stop = new AbortController();
      const load = mixedLoad(
        { url: live.url, key: lives.adminKey, reference, baseSpeaker, rand: r, ledger },
        stop.signal,
      );
      const uploads = slowUploads(live, lives.adminKey, upload, ledger, stop.signal);
      const after = r.int(800, 3000);
      await new Promise((res) => setTimeout(res, after));
      const sigtermAt = performance.now();
      await live.stop();
      stop.abort();
      await load;
      const results = await uploads;
      const caught = results.filter((u) => u.startedAt < sigtermAt && u.endedAt > sigtermAt);
      for (const u of caught) inFlight[u.outcome] = (inFlight[u.outcome] ?? 0) + 1;
      lives.ended(live);
      const exit = `code ${live.proc.exitCode} signal ${live.proc.signalCode}`;
      const lastWords =
        exit === 'code 0 signal null'
          ? undefined
          : [
              ...live.logs.filter((l) => /"level":"(error|fatal)"/.test(l)).slice(0, 5),
              ...live.logs.slice(-8),
            ];
      roundFigures.push({
        after_ms: after,
        shutdown_timeout_seconds: grace,
        exit,
        uploads_in_flight: caught.length,
        last_words: lastWords,
      });
      log(
        `restart: SIGTERM ${i + 1}/${rounds} after ${after} ms, ${caught.length} uploads in flight, ${exit}`,
      );
      grace = r.pick([0, 1, 5]);
      server = await lives.start(withGrace(grace));
    }
    const settled = await settleAccepted(server.url, lives.adminKey, ledger, 180_000);
    await server.stop();
    lives.ended(server);
    server = undefined;
    const report: RestartReport = {
      rounds: roundFigures,
      in_flight_uploads: inFlight,
      accepted: ledger.accepted.size,
      ...settled,
      requests: ledger.outcomes,
      data_dir: inspectDataDir(dataDir, ledger.deleted),
      pass: false,
      fail_reasons: [],
    };
    report.fail_reasons = restartFailReasons(report);
    report.pass = report.fail_reasons.length === 0;
    return report;
  } finally {
    await server?.kill();
    removeDir(dataDir);
  }
}

function restartFailReasons(r: RestartReport): string[] {
  const reasons = [...acceptedFailReasons(r), ...dataDirFailReasons(r.data_dir)];
  for (const round of r.rounds)
    if (round.exit !== 'code 0 signal null') reasons.push(`a SIGTERM'd server ended with ${round.exit}`);
  const unclean = Object.entries(r.in_flight_uploads).filter(
    ([o]) => !/^\d{3}( [A-Z_]+)?$/.test(o) && !CLEAN_NETWORK.has(o),
  );
  for (const [o, n] of unclean)
    reasons.push(`${n} in-flight uploads ended with ${o} (neither a 202 nor a clean error)`);
  if (Object.keys(r.in_flight_uploads).some((o) => o.startsWith('5') && !o.includes('UNAVAILABLE')))
    reasons.push('an in-flight upload got a 5xx other than UNAVAILABLE');
  return reasons;
}

async function uploadBytes(ref: {
  file: string;
  script: string;
}): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData();
  form.set('name', 'In flight');
  form.set('lang', 'en');
  form.set('reference_script', ref.script);
  form.set('reference_audio', new Blob([readFileSync(ref.file)]), basename(ref.file));
  const res = new Response(form);
  return { body: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type') ?? '' };
}

interface UploadResult {
  startedAt: number;
  endedAt: number;
  outcome: string;
}

/** Two clients uploading a real reference at ~1 MB/s each, so uploads are mid-body when SIGTERM comes. */
async function slowUploads(
  server: TestServer,
  key: string,
  upload: { body: Buffer; contentType: string },
  ledger: Ledger,
  signal: AbortSignal,
): Promise<UploadResult[]> {
  const port = Number(new URL(server.url).port);
  const results: UploadResult[] = [];
  const client = async () => {
    while (!signal.aborted) {
      const startedAt = performance.now();
      const h = head('POST', '/v1/speakers', [
        ['Host', '127.0.0.1'],
        ['X-VR-APIKEY', key],
        ['Content-Type', upload.contentType],
        ['Content-Length', String(upload.body.length)],
        ['Connection', 'close'],
      ]);
      const o = await send(port, {
        head: h,
        body: upload.body,
        bytesPerSecond: 1024 * 1024,
        timeoutMs: 60_000,
      });
      let outcome: string;
      if (o.kind === 'response') {
        const shape = errorShape(o.response.headers['content-type'], o.response.body);
        outcome = shape.ok ? `${o.response.status} ${shape.code}` : String(o.response.status);
        if (o.response.status === 202) {
          const b = JSON.parse(o.response.body.toString()) as { job_id: string; speaker_id: string };
          ledger.accepted.set(b.job_id, { type: 'register_speaker', speaker: b.speaker_id });
        }
      } else outcome = o.kind === 'timeout' ? 'timeout' : (o.error ?? 'closed without an answer');
      results.push({ startedAt, endedAt: performance.now(), outcome });
      if (outcome === 'ECONNREFUSED') break;
    }
  };
  await Promise.all([client(), client()]);
  return results;
}
