import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.js';
import type { JobView } from '../services/job-view.js';
import type { WebhookService } from '../services/webhooks.js';
import type { JobRow } from '../store/jobs-repo.js';
import type { DeliveryRow, WebhookDeliveriesRepo } from '../store/webhook-deliveries-repo.js';

export interface WebhookSenderOptions {
  maxAttempts: number;
  /** Wait before the 2nd attempt; it doubles after every further failure. */
  retryBaseMs: number;
  timeoutMs: number;
  /** How often the outbox is read for due deliveries. */
  pollMs?: number;
}

/** What a failed attempt keeps of the receiver's answer. */
const SNIPPET_CHARS = 200;
/** Deliveries sent at once (one slow receiver must not hold up the others). */
const BATCH = 8;

/**
 * Works the webhook outbox: every due delivery is POSTed, signed, with the job's view as its body
 * (what GET /v1/jobs/{id} answers at that moment).
 * A 2xx answer delivers it; anything else (a 3xx included: redirects are never followed), a timeout
 * or a network error schedules the next attempt with exponential backoff until the attempts run
 * out. The outbox is in the database, so deliveries pending at a stop go out after the next start; a crash
 * mid-attempt means the receiver may see the same `webhook-id` twice, which it deduplicates by.
 */
export class WebhookSender {
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly outbox: WebhookDeliveriesRepo,
    private readonly job: (id: string) => Promise<JobRow | undefined>,
    private readonly view: (job: JobRow) => Promise<JobView>,
    private readonly webhooks: WebhookService,
    private readonly opts: WebhookSenderOptions,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.wake(), this.opts.pollMs ?? 500);
    this.timer.unref();
    this.wake();
  }

  /** Reads the outbox now (a job just finished), unless a round is already running. */
  wake(): void {
    if (this.stopped || this.busy) return;
    this.busy = this.round()
      // The outbox unreachable (the database down): the next wake-up tries again.
      .catch((err: unknown) => this.log.warn({ err }, 'could not read the webhook outbox'))
      .finally(() => (this.busy = undefined));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.busy;
  }

  private async round(): Promise<void> {
    const now = this.clock.now();
    // Held for longer than an attempt can take (timeout plus margin): only this node sends them.
    const due = await this.outbox.claimDue(now, BATCH, now + this.opts.timeoutMs * 2 + 5_000);
    await Promise.all(due.map((d) => this.attempt(d)));
  }

  private async attempt(d: DeliveryRow): Promise<void> {
    const job = await this.job(d.job_id);
    if (!job) return this.outbox.attemptFailed(d.id, 'The job no longer exists.', null);
    if (!this.webhooks.stillAllowed(d.url)) {
      return this.outbox.attemptFailed(d.id, 'The host is no longer in [webhooks] allowed_hosts.', null);
    }
    const body = JSON.stringify(await this.view(job));
    const headers = this.webhooks.headers(d.project, d.id, Math.floor(this.clock.now() / 1000), body);
    const error = await this.post(d.url, headers, body);
    const log = this.log.child({ job_id: d.job_id, webhook_id: d.id, attempt: d.attempts + 1 });
    if (error === undefined) {
      await this.outbox.delivered(d.id, this.clock.now());
      log.info('webhook delivered');
      return;
    }
    const attempts = d.attempts + 1;
    const next =
      attempts >= this.opts.maxAttempts
        ? null
        : this.clock.now() + this.opts.retryBaseMs * 2 ** (attempts - 1);
    await this.outbox.attemptFailed(d.id, error, next);
    log.warn({ error, gave_up: next === null }, 'webhook delivery failed');
  }

  /** One POST; undefined when the receiver took it, otherwise why not (kept short). */
  private async post(
    url: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<string | undefined> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'VoiceReel-Webhooks' },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      if (res.status >= 200 && res.status < 300) {
        await res.body?.cancel();
        return undefined;
      }
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel();
        return `HTTP ${res.status}: redirects are not followed`;
      }
      return `HTTP ${res.status}: ${await snippet(res)}`;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      if (e.name === 'TimeoutError') return `no answer within ${this.opts.timeoutMs} ms`;
      return `could not connect: ${e.cause?.code ?? e.message}`.slice(0, SNIPPET_CHARS);
    }
  }
}

/** The start of an answer's body, without reading the rest of what could be a large response. */
async function snippet(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const { value } = await reader.read();
  await reader.cancel();
  return new TextDecoder()
    .decode(value ?? new Uint8Array())
    .slice(0, SNIPPET_CHARS)
    .replace(/\s+/g, ' ')
    .trim();
}
