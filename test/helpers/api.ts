import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type RequestSpec, speakerForm, VoiceReelClient } from '../../src/client/index.js';
import type { Job } from '../../src/client/index.js';
import { expect } from 'vitest';

/**
 * The tests' view of the API, over the client library: `client` for typed calls, and answers as
 * they are (status, headers, body) through the client's raw mode where a test asserts the status
 * or the error answer itself. No retries and no Idempotency-Key unless the test sends one, so
 * each call is exactly one request as written.
 */
export class Api {
  readonly client: VoiceReelClient;
  /** The status of the last answer the client received: typed calls keep a test's exact status check. */
  lastStatus = 0;

  constructor(
    readonly url: string,
    readonly key: string,
  ) {
    const seen: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      this.lastStatus = res.status;
      return res;
    };
    this.client = new VoiceReelClient({ url, apiKey: key, maxRetries: 0, timeoutMs: 300_000, fetch: seen });
  }

  async json<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const res = await this.raw(method, path, { json: body, headers });
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
    // Read now, as the bytes the test names: concurrent registrations then reach the server in call order.
    const audio = readFileSync(fields.file);
    const form = await speakerForm({
      ...fields,
      referenceScript: fields.script,
      audio,
      filename: basename(fields.file),
    });
    const res = await this.raw('POST', '/v1/speakers', form);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /**
   * Registers a speaker through the client, expects the 202, waits for its job and expects it to
   * have succeeded: the speaker most tests need before they synthesize.
   */
  async readySpeaker(
    fields: { name: string; lang: string; script: string; file: string; consent?: string },
    timeoutMs = 120_000,
  ): Promise<{ speakerId: string; job: Job }> {
    const { name, lang, script, file, consent } = fields;
    const reg = await this.client.registerSpeaker({
      name,
      lang,
      referenceScript: script,
      audio: file,
      consent,
    });
    expect(this.lastStatus).toBe(202);
    const job = await this.client.waitForJob(reg.job_id, { timeoutMs });
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    return { speakerId: reg.speaker_id, job };
  }

  /** A new key of `project`, created through the client (expecting the 201), as its own Api. */
  async keyApi(name: string, project: string): Promise<Api> {
    const { key } = await this.client.createKey({ name, project });
    expect(this.lastStatus).toBe(201);
    return new Api(this.url, key);
  }

  /** Waits (by the job's events) until it leaves queued/running. */
  waitJob(jobId: string, timeoutMs = 120_000): Promise<Job> {
    return this.client.waitForJob(jobId, { timeoutMs });
  }

  /** A presigned file path, fetched without a key; any status is returned as it is. */
  async download(path: string, headers: Record<string, string> = {}) {
    const res = await this.raw('GET', path, { headers, anonymous: true });
    return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
  }

  private raw(method: string, path: string, spec: Partial<RequestSpec>): Promise<Response> {
    const headers = { ...spec.headers };
    const given = Object.keys(headers).find((h) => h.toLowerCase() === 'idempotency-key');
    const idempotencyKey = given === undefined ? '' : headers[given];
    if (given !== undefined) delete headers[given];
    return this.client.http.request({
      ...spec,
      method: method as RequestSpec['method'],
      path,
      headers,
      idempotencyKey,
      raw: true,
    });
  }
}
