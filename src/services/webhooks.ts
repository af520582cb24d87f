import { createHmac } from 'node:crypto';
import { errors } from '../errors.js';

/** Longest callback URL accepted (it is stored with the job and shown in its view). */
const MAX_URL_LENGTH = 2048;

/**
 * Callback URLs and their signatures, following Standard Webhooks (standardwebhooks.com): each
 * delivery carries `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256
 * of "id.timestamp.body">`. Each project has its own secret, derived from the server's master secret
 * (so it survives restarts and needs no table), which its keys read at GET /v1/webhooks/secret.
 */
export class WebhookService {
  constructor(
    private readonly rootKey: Buffer,
    private readonly allowedHosts: readonly string[],
  ) {}

  /**
   * The callback URL of a submission, or undefined when none was given. Refused with a 400 before any
   * work: not http(s), credentials in it, or a host the operator has not allowed.
   */
  checkUrl(raw: unknown): string | undefined {
    if (raw === undefined || raw === null || raw === '') return undefined;
    const field = 'callback_url';
    if (typeof raw !== 'string' || raw.length > MAX_URL_LENGTH) {
      throw errors.invalidInput(
        `callback_url must be an http(s) URL of at most ${MAX_URL_LENGTH} characters.`,
        {
          field,
        },
      );
    }
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw errors.invalidInput('callback_url is not a valid URL.', { field });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw errors.invalidInput('callback_url must use http or https.', { field });
    }
    if (url.username || url.password) {
      throw errors.invalidInput('callback_url must not carry credentials.', { field });
    }
    if (this.allowedHosts.length === 0) {
      throw errors.invalidInput(
        'Webhooks are not enabled on this server: the operator allows callback hosts in [webhooks] allowed_hosts.',
        { field, setting: 'webhooks.allowed_hosts' },
      );
    }
    if (!hostAllowed(url.hostname.toLowerCase(), this.allowedHosts)) {
      throw errors.invalidInput(
        `callback_url host ${url.hostname} is not in the server's [webhooks] allowed_hosts.`,
        { field, setting: 'webhooks.allowed_hosts' },
      );
    }
    return url.toString();
  }

  /** Whether a stored callback URL is still allowed (the operator may have narrowed the list since). */
  stillAllowed(url: string): boolean {
    try {
      return hostAllowed(new URL(url).hostname.toLowerCase(), this.allowedHosts);
    } catch {
      return false;
    }
  }

  /** The project's signing secret as Standard Webhooks writes it: `whsec_` and the base64 key. */
  secretFor(project: string): string {
    return `whsec_${this.keyFor(project).toString('base64')}`;
  }

  /** The three headers of one delivery of `body`, sent at `timestampSeconds`. */
  headers(project: string, id: string, timestampSeconds: number, body: string): Record<string, string> {
    return {
      'webhook-id': id,
      'webhook-timestamp': String(timestampSeconds),
      'webhook-signature': signWebhook(this.keyFor(project), id, timestampSeconds, body),
    };
  }

  private keyFor(project: string): Buffer {
    return createHmac('sha256', this.rootKey).update(`project:${project}`).digest();
  }
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, the Standard Webhooks signature. */
export function signWebhook(key: Buffer, id: string, timestampSeconds: number, body: string): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/** `host` exactly, or `*.example.com` for any name below example.com (not example.com itself). */
export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  return allowed.some((pattern) =>
    pattern.startsWith('*.')
      ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1
      : host === pattern,
  );
}
