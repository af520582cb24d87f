import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Clock } from '../lib/clock.js';
import { JobEventBus, JobEvents } from '../services/job-events.js';
import { viewJob } from '../services/job-view.js';
import type { Presigner } from '../services/presign.js';
import type { WebhookService } from '../services/webhooks.js';
import type { Store } from '../store/index.js';
import { WebhookSender } from './webhook-sender.js';

export interface Notifications {
  events: JobEvents;
  webhooks: WebhookService;
  sender: WebhookSender;
  /** Stops following other nodes' job events. */
  stopListening(): Promise<void>;
}

/**
 * What tells clients about their jobs: the live event streams and the signed webhooks. Both render a
 * finished job with the same view GET /v1/jobs/{id} answers with.
 */
export function createNotifications(
  config: Pick<Config, 'events' | 'webhooks'>,
  store: Store,
  webhooks: WebhookService,
  presigner: Presigner,
  clock: Clock,
  log: Logger,
): Notifications {
  const view = viewJob.bind(null, store, presigner);
  const bus = new JobEventBus();
  // Events recorded by another node wake this node's streams at once (PostgreSQL); SQLite: no-op.
  const stopListening = store.onJobEvent((jobId) => bus.changed(jobId));
  const events = new JobEvents(store, bus, view, clock, {
    maxPerJob: config.events.max_per_job,
    heartbeatMs: config.events.heartbeat_seconds * 1000,
  });
  const sender = new WebhookSender(
    store.webhooks,
    (id) => store.jobs.get(id),
    view,
    webhooks,
    {
      maxAttempts: config.webhooks.max_attempts,
      retryBaseMs: config.webhooks.retry_base_seconds * 1000,
      timeoutMs: config.webhooks.timeout_seconds * 1000,
    },
    clock,
    log.child({ component: 'webhooks' }),
  );
  return { events, webhooks, sender, stopListening };
}
