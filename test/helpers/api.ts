import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** A thin client over fetch: the tests talk to the server only through real HTTP. */
export class Api {
  constructor(
    readonly url: string,
    readonly key: string,
  ) {}

  async json<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        'X-VR-APIKEY': this.key,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async registerSpeaker(fields: {
    name: string;
    lang: string;
    script: string;
    file: string;
    consent?: string;
  }) {
    const form = new FormData();
    form.set('name', fields.name);
    form.set('lang', fields.lang);
    form.set('reference_script', fields.script);
    if (fields.consent) form.set('consent', fields.consent);
    form.set('reference_audio', new Blob([readFileSync(fields.file)]), basename(fields.file));
    const res = await fetch(`${this.url}/v1/speakers`, {
      method: 'POST',
      headers: { 'X-VR-APIKEY': this.key },
      body: form,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** Polls a job until it leaves queued/running. */
  async waitJob(jobId: string, timeoutMs = 120_000): Promise<Record<string, unknown>> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await this.json('GET', `/v1/jobs/${jobId}`);
      if (body.status !== 'queued' && body.status !== 'running') return body;
      if (Date.now() > until) throw new Error(`job ${jobId} still ${String(body.status)}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  async download(path: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${this.url}${path}`, { headers });
    return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
  }
}
