import { mkdirSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Config } from './config/schema.js';
import { createApp } from './api/app.js';
import { InFlightRequests } from './api/in-flight.js';
import { answerOutsideTheApp } from './api/protocol-errors.js';
import { startEngines } from './engine/backend.js';
import { planDevices } from './engine/devices.js';
import { runCleanup } from './jobs/cleanup.js';
import { startCron } from './jobs/cron.js';
import { runMonthlyUsageReport, USAGE_REPORT_TASK } from './jobs/monthly-report.js';
import { sweepOrphans, UPLOAD_TMP_DIR } from './jobs/orphans.js';
import { type JobHandler, JobRunner } from './jobs/queue.js';
import { systemClock } from './lib/clock.js';
import { createLogger } from './lib/logger.js';
import { Metrics } from './observability/metrics.js';
import { resolveAppPaths } from './runtime/paths.js';
import { readTlsFiles, type TlsFiles } from './runtime/tls.js';
import { FileStore } from './services/file-store.js';
import { KeyService } from './services/keys.js';
import { Presigner } from './services/presign.js';
import { loadOrCreateSecrets } from './services/secrets.js';
import { usablePacks } from './services/models/usable.js';
import { SpeakerService, type RegisterJobPayload } from './services/speakers.js';
import { SynthesisService, type SynthesizePayload } from './services/synthesis.js';
import { UsageMeter } from './services/usage.js';
import { VoiceCatalog } from './services/voices/catalog.js';
import { measurePresets } from './services/voices/measure.js';
import { CronRunsRepo } from './store/cron-runs-repo.js';
import { closeDatabase, openDatabase } from './store/db.js';
import { createStore } from './store/index.js';
import type { JobRow, JobType } from './store/jobs-repo.js';

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * Composition root: config → store → engine pools → services → app → jobs → listen.
 * Shutdown runs the same list backwards. Nothing here is a singleton; everything is passed down.
 */
export async function start(config: Config): Promise<RunningServer> {
  const log = createLogger(config.log.level);
  const clock = systemClock;
  const paths = resolveAppPaths();
  const tls = readTlsFiles(config.tls);
  const dataDir = config.storage.data_dir;
  mkdirSync(dataDir, { recursive: true, mode: 0o750 });
  // Before anything is opened: a GPU that cannot be used stops start-up here, saying why.
  const devices = planDevices(config.engine, paths.onnxRuntime, availableParallelism(), log);
  const packs = await usablePacks(config.engine.models_dir || join(dataDir, 'models'), log);

  const db = openDatabase(join(dataDir, 'voicereel.db'), paths.sqliteAddon, {
    onBackup: (backup, pending) => log.info({ backup, pending }, 'database backed up before migrations'),
  });
  const store = createStore(db);
  const secrets = loadOrCreateSecrets(dataDir);
  const files = new FileStore(dataDir);
  const keys = new KeyService(store.keys, secrets, clock);
  bootstrapAdminKey(keys, config, log);

  const synthThreads = devices.reduce((n, d) => n + d.workers, 0);
  const engines = startEngines({
    workerFile: paths.engineWorker,
    devices,
    analysisThreads: config.engine.analysis_workers,
    paths: {
      espeakData: paths.espeakData,
      kuromojiDict: paths.kuromojiDict,
      onnxRuntime: paths.onnxRuntime,
      sileroVad: paths.sileroVad,
    },
    packs,
    onCrash: (err, kind) => log.error({ err, task: kind }, 'engine worker died; replaced, task retried once'),
  });
  const catalog = new VoiceCatalog(packs, config.engine.speaker_voices);
  let presetsMeasured = false;
  const backend = engines.backend;
  const metrics = new Metrics({
    jobCounts: () => store.jobs.countsByTypeAndStatus(),
    pools: () => engines.pools() ?? {},
  });

  const usage = new UsageMeter(store.usage, clock, (fn) => db.transaction(fn)());
  const speakers = new SpeakerService(
    store,
    files,
    backend,
    usage,
    clock,
    {
      minSpeechSeconds: config.limits.min_reference_speech_seconds,
      queueMaxDepth: config.limits.queue_max_depth,
    },
    (profile, lang) => catalog.forSpeaker(profile, lang).view,
  );
  const synthesis = new SynthesisService(store, files, backend, usage, clock, config, synthThreads, catalog);
  const jobs = new JobRunner(
    store.jobs,
    metrics.instrumentJobs(jobHandlers(speakers, synthesis)),
    { concurrency: config.jobs.concurrency, maxAttempts: config.jobs.max_attempts },
    clock,
    log,
  );

  // Rows left running by a crash are settled before anyone can read them through the API.
  jobs.recover();
  // Then what the interrupted requests and jobs left on disk, before anything can write there again.
  sweepOrphans(store, files, log);

  const inFlight = new InFlightRequests();
  const app = createApp({
    config,
    store,
    clock,
    keys,
    speakers,
    synthesis,
    presigner: new Presigner(secrets.presignKey, config.security.presign_ttl_seconds, clock),
    files,
    jobs,
    ready: () => backend.ready() && presetsMeasured,
    catalog,
    log,
    usage,
    uploadTmpDir: join(dataDir, UPLOAD_TMP_DIR),
    metrics,
    inFlight,
  });

  const usageFlush = setInterval(() => usage.flush(), 1000);
  usageFlush.unref();
  const cleanup = () => runCleanup(store, files, clock, config.storage.retention_hours, log);
  cleanup();
  const usageReport = () => {
    usage.flush();
    const reports = new FileStore(config.storage.reports_dir);
    runMonthlyUsageReport({ usage: store.usage, runs: new CronRunsRepo(db), files: reports, clock, log });
  };
  // Catch-up: last month's report is written now if the server was down when it was due.
  try {
    usageReport();
  } catch (err) {
    log.error({ err, task: USAGE_REPORT_TASK }, 'scheduled task failed');
  }
  const crons = startCron(
    [
      { name: 'retention-cleanup', schedule: config.storage.cleanup_schedule, run: () => void cleanup() },
      { name: USAGE_REPORT_TASK, schedule: config.storage.usage_report_schedule, run: usageReport },
    ],
    log,
  );

  const server = createHttpServer(app.callback(), log, tls);
  try {
    await listen(server, config.server.host, config.server.port);
  } catch (err) {
    crons.stop();
    clearInterval(usageFlush);
    await engines.destroy();
    closeDatabase(db);
    throw err;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const url = `${tls ? 'https' : 'http'}://${config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host}:${port}`;
  log.info({ url, data_dir: dataDir, workers: synthThreads }, 'voicereel listening');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log.info('stopping: no new requests, finishing running jobs');
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      crons.stop();
      // Requests in flight (an upload being inspected, say) finish while jobs do: both need the engines.
      const graceMs = config.server.shutdown_timeout_seconds * 1000;
      await Promise.all([jobs.stop(graceMs), inFlight.drain(graceMs)]);
      clearInterval(usageFlush);
      usage.flush();
      await engines.close();
      server.closeAllConnections();
      await closed;
      closeDatabase(db);
      log.info('stopped');
    })());
  // Jobs wait for warm workers and measured preset voices; a pool that cannot start ends the
  // process so systemd restarts it.
  engines.whenReady
    .then(() => measurePresets(catalog, backend, store.presetProfiles, clock, log))
    .then(
      () => {
        presetsMeasured = true;
        log.info(
          { devices: devices.map((d) => `${d.device}×${d.workers}`), packs: packs.length },
          'speech engines ready',
        );
        if (!stopping) jobs.start();
      },
      (err: unknown) => {
        log.fatal({ err }, 'speech engines failed to start');
        process.exitCode = 1;
        void stop();
      },
    );
  return { url, stop };
}

/** What each job type runs; the payload was validated when the job was accepted. */
function jobHandlers(speakers: SpeakerService, synthesis: SynthesisService): Record<JobType, JobHandler> {
  const owner = (job: JobRow) => ({ keyId: job.key_id, project: job.project, admin: false });
  const registration = (job: JobRow) => JSON.parse(job.payload_json) as RegisterJobPayload;
  return {
    synthesize: {
      run: (job, ctx) =>
        synthesis.run(job.id, owner(job), JSON.parse(job.payload_json) as SynthesizePayload, ctx),
    },
    register_speaker: {
      run: (job) => speakers.completeRegistration(registration(job)),
      onFailed: (job, code, message) => speakers.failRegistration(registration(job), code, message),
    },
  };
}

/** Plain HTTP, or HTTPS accepting TLS 1.3 only when `[tls]` is configured. */
function createHttpServer(
  handler: RequestListener,
  log: ReturnType<typeof createLogger>,
  tls?: TlsFiles,
): Server | HttpsServer {
  // Uploads of 30 MB over slow links need longer than Node's default request timeout.
  // A missing Host is refused by the app (middleware/host.ts), in the one error shape.
  const options = { requestTimeout: 10 * 60_000, requireHostHeader: false };
  const server: Server | HttpsServer = tls
    ? createHttpsServer({ ...options, ...tls, minVersion: 'TLSv1.3' }, handler)
    : createServer(options, handler);
  // Expect: 100-continue goes to the app too; the body middleware sends the 100 only once the
  // declared size is accepted, so an oversized upload is refused before it is sent.
  server.on('checkContinue', handler);
  answerOutsideTheApp(server, handler, log);
  return server;
}

function bootstrapAdminKey(keys: KeyService, config: Config, log: ReturnType<typeof createLogger>): void {
  const given = config.security.api_key;
  if (given) {
    const { id, created } = keys.ensure(given, 'bootstrap');
    if (created)
      log.info(
        { key_id: id },
        'bootstrap admin key registered from the configuration (api_key or VR_API_KEY)',
      );
    return;
  }
  if (keys.hasActiveAdmin()) return;
  const { id, key } = keys.create({ name: 'bootstrap', project: 'default', admin: true });
  // Printed once, on stdout beside the logs, the only place it ever appears in clear.
  process.stdout.write(
    `\nVoiceReel admin API key (shown once, store it now): ${key}\n  key id: ${id}, project: default\n\n`,
  );
}

function listen(server: Server | HttpsServer, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
