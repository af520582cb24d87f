import type { Config } from '../config/schema.js';
import type { Engines } from '../engine/backend.js';
import type { Clock } from '../lib/clock.js';
import type { Store } from '../store/index.js';
import type { ObjectStore } from '../store/objects/object-store.js';
import { JobAdmission } from './admission.js';
import { DownloadService } from './downloads.js';
import { IdempotencyService } from './idempotency.js';
import { JobService } from './jobs.js';
import type { Presigner } from './presign.js';
import type { QueuePort } from './queue-port.js';
import { memoryRateLimiter, type RateLimiter, sharedRateLimiter } from './rate-limit.js';
import { SignedRequests } from './signature.js';
import { SpeakerService } from './speakers.js';
import { SpeechService } from './speech.js';
import { SynthesisService } from './synthesis.js';
import { LexiconService } from './text/lexicons.js';
import { TextPreviewService } from './text/preview.js';
import { UsageMeter } from './usage.js';
import type { VoiceCatalog } from './voices/catalog.js';
import { WebhookService } from './webhooks.js';

export interface ServiceDeps {
  config: Config;
  store: Store;
  /** Job audio and captions, reference recordings: the data dir or the bucket. */
  objects: ObjectStore;
  /** `[storage.s3] downloads = "presigned"`: /v1/files redirects to the bucket's own URL. */
  redirectDownloads: boolean;
  backend: Engines['backend'];
  catalog: VoiceCatalog;
  clock: Clock;
  /** Synthesis workers over all devices (how many lines a job renders at once). */
  threads: number;
  presigner: Presigner;
  /** Signs webhooks (derived from the master secret). */
  webhookKey: Buffer;
  queue: QueuePort;
}

/** The use cases the routes and the job runner call. */
export function createServices(d: ServiceDeps): {
  usage: UsageMeter;
  admission: JobAdmission;
  speakers: SpeakerService;
  synthesis: SynthesisService;
  speech: SpeechService;
  text: TextPreviewService;
  lexicons: LexiconService;
  webhooks: WebhookService;
  jobService: JobService;
  downloads: DownloadService;
  idempotency: IdempotencyService;
  rateLimiter: RateLimiter;
  signedRequests: SignedRequests;
} {
  const { config, store, objects, backend, clock, catalog } = d;
  const webhooks = new WebhookService(d.webhookKey, config.webhooks.allowed_hosts);
  const usage = new UsageMeter(store, clock);
  const admission = new JobAdmission(store.jobs, {
    queueMaxDepth: config.limits.queue_max_depth,
    perProject: config.limits.max_active_jobs_per_project,
    perKey: config.limits.max_active_jobs_per_key,
  });
  const speakers = new SpeakerService(
    store,
    objects,
    backend,
    usage,
    clock,
    admission,
    {
      minSpeechSeconds: config.limits.min_reference_speech_seconds,
      maxReferenceSeconds: config.limits.max_reference_seconds,
    },
    (profile, lang) => catalog.forSpeaker(profile, lang).view,
    webhooks,
    d.queue,
  );
  const lexicons = new LexiconService(store.lexicons, clock, {
    maxEntries: config.limits.max_lexicon_entries,
    maxPerProject: config.limits.max_lexicons_per_project,
  });
  const synthesis = new SynthesisService(
    store,
    objects,
    backend,
    usage,
    clock,
    config,
    d.threads,
    catalog,
    admission,
    lexicons,
    webhooks,
    d.queue,
  );
  const speech = new SpeechService({ store, backend, usage, clock, config, catalog, lexicons });
  const text = new TextPreviewService(
    { maxChars: config.limits.max_line_chars, maxEntries: config.limits.max_lexicon_entries },
    (who, ids) => lexicons.resolve(who, ids, 'lexicon'),
  );
  const jobService = new JobService({ store, objects, presigner: d.presigner, runner: d.queue });
  const downloads = new DownloadService(d.presigner, store.files, objects, d.redirectDownloads);
  const idempotency = new IdempotencyService(store.idempotency, clock);
  // One node keeps the budgets in memory; nodes sharing PostgreSQL keep them in it.
  const perMinute = config.limits.rate_limit_per_minute;
  const rateLimiter =
    store.sql.dialect.name === 'postgres'
      ? sharedRateLimiter(store.rateBuckets, perMinute, clock)
      : memoryRateLimiter(perMinute, clock);
  const signedRequests = new SignedRequests(store.signatures);
  return {
    usage,
    admission,
    speakers,
    synthesis,
    speech,
    text,
    lexicons,
    webhooks,
    jobService,
    downloads,
    idempotency,
    rateLimiter,
    signedRequests,
  };
}
