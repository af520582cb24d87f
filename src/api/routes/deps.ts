import type { Middleware } from 'koa';
import type { Config } from '../../config/schema.js';
import type { Clock } from '../../lib/clock.js';
import type { JobAdmission } from '../../services/admission.js';
import type { DownloadService } from '../../services/downloads.js';
import type { IdempotencyService } from '../../services/idempotency.js';
import type { JobEvents } from '../../services/job-events.js';
import type { JobService } from '../../services/jobs.js';
import type { KeyService } from '../../services/keys.js';
import type { Presigner } from '../../services/presign.js';
import type { SpeakerService } from '../../services/speakers.js';
import type { SpeechService } from '../../services/speech.js';
import type { SynthesisService } from '../../services/synthesis.js';
import type { LexiconService } from '../../services/text/lexicons.js';
import type { TextPreviewService } from '../../services/text/preview.js';
import type { UsageMeter } from '../../services/usage.js';
import type { VoiceCatalog } from '../../services/voices/catalog.js';
import type { WebhookService } from '../../services/webhooks.js';
import type { AppState } from '../context.js';

export interface RouteDeps {
  config: Config;
  clock: Clock;
  keys: KeyService;
  speakers: SpeakerService;
  synthesis: SynthesisService;
  speech: SpeechService;
  text: TextPreviewService;
  lexicons: LexiconService;
  admission: JobAdmission;
  catalog: VoiceCatalog;
  presigner: Presigner;
  jobService: JobService;
  idempotency: IdempotencyService;
  downloads: DownloadService;
  usage: UsageMeter;
  events: JobEvents;
  webhooks: WebhookService;
  ready: () => boolean;
  databaseOpen: () => boolean;
  /** Completes a signed request's check (and admits its caller); mount after any body parser. */
  signed: Middleware<AppState>;
  /** Job limits checked before a body is read (mount before the body parser). */
  admitted: Middleware<AppState>;
  bodies: { json: Middleware<AppState>[]; multipart: Middleware<AppState>[] };
}
