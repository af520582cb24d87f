import { mkdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { DestinationStream, Logger } from 'pino';
import type { Config } from './config/schema.js';
import { createApp } from './api/app.js';
import { SessionService } from './services/sessions.js';
import { systemReport } from './services/system.js';
import { VERSION } from './version.js';
import { connectionLimits, refusalLog } from './api/connection-limits.js';
import { InFlightRequests } from './api/in-flight.js';
import { answerOutsideTheApp } from './api/protocol-errors.js';
import { type DevicePlan, type Engines, startEngines } from './engine/backend.js';
import { planDevices } from './engine/devices.js';
import type { PackRef } from './engine/packs/manifest.js';
import { jobHandlers } from './jobs/handlers.js';
import { JobRunner, type JobRunnerOptions } from './jobs/queue.js';
import { createNotifications, type Notifications } from './jobs/notifications.js';
import { SHARED_ORPHAN_GRACE_MS, sweepOrphans, UPLOAD_TMP_DIR } from './jobs/orphans.js';
import { startSchedule } from './jobs/schedule.js';
import { type Clock, systemClock } from './lib/clock.js';
import { createLogger } from './lib/logger.js';
import { nodeName } from './runtime/node-name.js';
import { settleBootstrapKey } from './services/bootstrap-key.js';
import { makePrivate, PRIVATE_DIR } from './lib/private-files.js';
import { Metrics } from './observability/metrics.js';
import { type AppPaths, resolveAppPaths } from './runtime/paths.js';
import { createHttpServer, type HttpServer, listen } from './runtime/http-server.js';
import { readTlsFiles } from './runtime/tls.js';
import { createServices } from './services/compose.js';
import { LateQueue } from './services/queue-port.js';
import { SpaceReserve } from './services/space-reserve.js';
import { KeyService } from './services/keys.js';
import { Presigner } from './services/presign.js';
import { secretsFor } from './services/secrets.js';
import { usablePacks } from './services/models/usable.js';
import type { SpeakerService } from './services/speakers.js';
import type { SynthesisService } from './services/synthesis.js';
import type { UsageMeter } from './services/usage.js';
import { VoiceCatalog } from './services/voices/catalog.js';
import { measurePresets } from './services/voices/measure.js';
import { type OpenStore, openStore } from './store/open.js';
import type { Store } from './store/index.js';
import { LocalObjectStore } from './store/objects/local.js';
import type { ObjectStore } from './store/objects/object-store.js';
import { openObjectStore } from './store/objects/open.js';

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Where log lines go instead of stdout: a test running the server in its own process reads them. */
  logTo?: DestinationStream;
}

/**
 * Composition root: config → store → engine pools → services → app → jobs → listen.
 * Shutdown runs the same list backwards. Nothing here is a singleton; everything is passed down.
 */
export async function start(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const log = createLogger(config.log.level, options.logTo);
  const clock = systemClock;
  const paths = resolveAppPaths();
  const tls = readTlsFiles(config.tls);
  const dataDir = config.storage.data_dir;
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR });
  // Folders an earlier version (or a looser umask) left open: closing them hides what is inside.
  for (const sub of ['references', 'jobs', 'reports', 'backups', 'models']) makePrivate(join(dataDir, sub));
  // Before anything is opened: a GPU that cannot be used stops start-up here, saying why.
  const devices = planDevices(config.engine, paths.onnxRuntime, availableParallelism(), log);
  const packs = await usablePacks(packsDir(config), log);

  const db = await openStore({
    dataDir,
    database: config.database,
    sqliteAddon: paths.sqliteAddon,
    onBackup: (backup, pending) => log.info({ backup, pending }, 'database backed up before migrations'),
  });
  const { store } = db;
  const { secrets, objects, keys } = await openShared(config, db, dataDir, clock, log);
  const local = new LocalObjectStore(dataDir);
  const reserve = new SpaceReserve(dataDir);
  reserve.ensure();

  const engines = startEngineLayer(config, paths, devices, packs, log);
  const catalog = new VoiceCatalog(packs, config.engine.speaker_voices);
  const threads = synthThreads(devices);
  const metrics = new Metrics({
    jobCounts: () => store.jobs.countsByTypeAndStatus(),
    pools: () => engines.pools() ?? {},
    eventStreams: () => notes.events.openStreams(),
  });
  const presigner = new Presigner(secrets.presignKey, config.security.presign_ttl_seconds, clock);
  const queue = new LateQueue();
  const services = createServices({
    config,
    store,
    objects,
    redirectDownloads: objects.kind === 's3' && config.storage.s3.downloads === 'presigned',
    backend: engines.backend,
    catalog,
    clock,
    threads,
    presigner,
    webhookKey: secrets.webhookKey,
    queue,
  });
  const notes = createNotifications(config, store, services.webhooks, presigner, clock, log);
  const jobs = await createJobRunner(
    config,
    store,
    metrics,
    services,
    clock,
    log,
    notes.events,
    { objects, local },
    reserve,
    // Nodes sharing PostgreSQL hold leases on the jobs they run; a node that dies loses them.
    db.dialect === 'postgres'
      ? { owner: nodeName(dataDir), ttlMs: config.jobs.lease_seconds * 1000 }
      : undefined,
  );
  queue.bind(jobs);
  let presetsMeasured = false;
  const inFlight = new InFlightRequests();
  const app = createApp({
    ...services,
    config,
    clock,
    keys,
    presigner,
    events: notes.events,
    ready: () => engines.backend.ready() && presetsMeasured,
    databaseOpen: () => db.isOpen(),
    catalog,
    log,
    uploadTmpDir: privateDir(join(dataDir, UPLOAD_TMP_DIR)),
    metrics,
    inFlight,
    console: config.console.enabled
      ? { dir: paths.consoleDir, sessions: new SessionService(store.sessions, keys, clock, config.console) }
      : undefined,
    system: () => systemReport({ version: VERSION, devices, modelsDir: packsDir(config), dataDir, catalog }),
  });

  const { usage } = services;
  const usageFlush = setInterval(() => {
    void flushUsage(usage, log);
    reserve.ensure();
  }, 1000);
  usageFlush.unref();
  const crons = await startSchedule({
    store,
    objects,
    usage,
    clock,
    storage: config.storage,
    log,
  });

  const callback = app.callback();
  const handle = (req: IncomingMessage, res: ServerResponse) => void callback(req, res);
  const server = createHttpServer(handle, connectionLimits(config), refusalLog(log, clock), tls);
  answerOutsideTheApp(server, handle, log);
  const lifecycle = shutdown({
    server,
    crons,
    jobs,
    usageFlush,
    usage,
    engines,
    db,
    log,
    config,
    notes,
    inFlight,
  });
  const url = await listenOrRelease(server, config.server, lifecycle);
  notes.sender.start();
  log.info({ url, data_dir: dataDir, workers: threads }, 'voicereel listening');
  startJobsWhenReady({ engines, catalog, store, clock, log, devices, packs, jobs, lifecycle }, () => {
    presetsMeasured = true;
  });
  return { url, stop: lifecycle.stop };
}

/** Secrets (the cluster's on PostgreSQL), the object store and the bootstrap key; closes the db on failure. */
async function openShared(config: Config, db: OpenStore, dataDir: string, clock: Clock, log: Logger) {
  try {
    const secrets = await secretsFor(db, dataDir, clock.now());
    const objects = await openObjectStore(config.storage);
    const keys = new KeyService(db.store.keys, secrets, clock);
    await settleBootstrapKey(keys, config.security.api_key, log);
    return { secrets, objects, keys };
  } catch (err) {
    await db.close();
    throw err;
  }
}

function synthThreads(devices: readonly DevicePlan[]): number {
  return devices.reduce((n, d) => n + d.workers, 0);
}

/** The worker pools: synthesis per planned device, analysis on the CPU; a dead worker is replaced. */
function startEngineLayer(
  config: Config,
  paths: AppPaths,
  devices: DevicePlan[],
  packs: PackRef[],
  log: Logger,
): Engines {
  const { espeakData, kuromojiDict, onnxRuntime, sileroVad } = paths;
  return startEngines({
    workerFile: paths.engineWorker,
    devices,
    analysisThreads: config.engine.analysis_workers,
    nice: config.engine.worker_nice,
    analysisQueue: {
      maxWaiting: config.limits.analysis_queue_max_depth,
      perProject: config.limits.analysis_per_project,
    },
    paths: { espeakData, kuromojiDict, onnxRuntime, sileroVad },
    packs,
    onCrash: (err, kind) => log.error({ err, task: kind }, 'engine worker died; replaced, task retried once'),
  });
}

/** The job queue, with rows a crash left running settled before anyone can read them through the API. */
async function createJobRunner(
  config: Config,
  store: Store,
  metrics: Metrics,
  services: { speakers: SpeakerService; synthesis: SynthesisService },
  clock: Clock,
  log: Logger,
  events: Notifications['events'],
  stores: { objects: ObjectStore; local: LocalObjectStore },
  reserve: SpaceReserve,
  lease: JobRunnerOptions['lease'],
): Promise<JobRunner> {
  const jobs = new JobRunner(
    store.jobs,
    metrics.instrumentJobs(jobHandlers(services.speakers, services.synthesis)),
    {
      concurrency: config.jobs.concurrency,
      maxAttempts: config.jobs.max_attempts,
      releaseSpace: () => reserve.release(),
      lease,
    },
    clock,
    log,
    events,
  );

  // Rows left running by a crash are settled before anyone can read them through the API, and so
  // are speakers whose registration job finished without them.
  await jobs.recover();
  const settled = await services.speakers.settleStalledRegistrations();
  if (settled > 0)
    log.warn({ speakers: settled }, 'settled speakers left pending by a finished registration');
  // Then what the interrupted requests and jobs left on disk, before anything can write there again;
  // in a shared bucket other nodes are writing now, so only objects past the grace period go.
  const cutoff = stores.objects.kind === 's3' ? clock.now() - SHARED_ORPHAN_GRACE_MS : undefined;
  await sweepOrphans(store, { ...stores, modifiedBefore: cutoff }, log);
  return jobs;
}

interface ReadyParts {
  engines: Engines;
  catalog: VoiceCatalog;
  store: Store;
  clock: Clock;
  log: Logger;
  devices: DevicePlan[];
  packs: PackRef[];
  jobs: JobRunner;
  lifecycle: Lifecycle;
}

/**
 * Jobs wait for warm workers and measured preset voices; a pool that cannot start ends the process
 * so systemd restarts it.
 */
function startJobsWhenReady(p: ReadyParts, measured: () => void): void {
  p.engines.whenReady
    .then(() => measurePresets(p.catalog, p.engines.backend, p.store.presetProfiles, p.clock, p.log))
    .then(
      () => {
        measured();
        p.log.info(
          { devices: p.devices.map((d) => `${d.device}×${d.workers}`), packs: p.packs.length },
          'speech engines ready',
        );
        if (!p.lifecycle.stopping()) p.jobs.start();
      },
      (err: unknown) => {
        p.log.fatal({ err }, 'speech engines failed to start');
        process.exitCode = 1;
        void p.lifecycle.stop();
      },
    );
}

interface Lifecycle {
  stop(): Promise<void>;
  stopping(): boolean;
  /** The short form of stop for a server that never listened. */
  release(): Promise<void>;
}

interface RunningParts {
  server: HttpServer;
  crons: { stop(): void };
  jobs: JobRunner;
  usageFlush: NodeJS.Timeout;
  usage: UsageMeter;
  engines: Engines;
  db: OpenStore;
  log: Logger;
  config: Config;
  notes: Notifications;
  inFlight: InFlightRequests;
}

/**
 * Stopping, in the reverse order of starting: no new requests, no cron, running jobs finished (up
 * to the shutdown timeout, then requeued), usage flushed, workers ended, the database checkpointed.
 */
function shutdown(p: RunningParts): Lifecycle {
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      p.log.info('stopping: no new requests, finishing running jobs');
      const closed = new Promise<void>((r) => p.server.close(() => r()));
      p.server.closeIdleConnections();
      p.crons.stop();
      // Requests in flight (an upload being inspected, say) finish while jobs do: both need the engines.
      const graceMs = p.config.server.shutdown_timeout_seconds * 1000;
      await Promise.all([p.jobs.stop(graceMs), p.inFlight.drain(graceMs)]);
      await p.notes.sender.stop();
      clearInterval(p.usageFlush);
      await flushUsage(p.usage, p.log);
      await p.engines.close();
      p.server.closeAllConnections();
      await closed;
      await p.notes.events.settled();
      await p.notes.stopListening();
      await p.db.close();
      p.log.info('stopped');
    })());
  const release = async () => {
    p.crons.stop();
    clearInterval(p.usageFlush);
    await p.engines.destroy();
    await p.db.close();
  };
  return { stop, stopping: () => stopping !== undefined, release };
}

/** Binds the server and says where it answers, or releases what start() opened (port in use). */
async function listenOrRelease(
  server: HttpServer,
  at: Config['server'],
  lifecycle: Lifecycle,
): Promise<string> {
  try {
    return await listen(server, at.host, at.port);
  } catch (err) {
    await lifecycle.release();
    throw err;
  }
}

/** A directory only this user can enter, whatever the uploads inside it are created with. */
function privateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  makePrivate(dir);
  return dir;
}

function packsDir(config: Config): string {
  return config.engine.models_dir || join(config.storage.data_dir, 'models');
}

/** Request counts reach the database every second; one that cannot (a full disk) keeps them for later. */
async function flushUsage(usage: UsageMeter, log: Logger): Promise<void> {
  try {
    await usage.flush();
  } catch (err) {
    log.warn({ err }, 'usage counts not written yet; kept for the next flush');
  }
}
