import { Readable } from 'node:stream';
import { VoiceReelError } from './errors.js';
import { type ByteRange, rangeHeader, writeBodyToFile } from './download.js';
import { type ClientOptions, query, Transport } from './http.js';
import { multipartBody, type UploadSource } from './multipart.js';
import type {
  ApiKey,
  CreatedApiKey,
  Job,
  JobList,
  JobListQuery,
  Lexicon,
  LexiconInput,
  NormalizeRequest,
  NormalizeResult,
  Page,
  RegisterSpeakerAccepted,
  Speaker,
  SpeechRequest,
  SynthesisResult,
  SynthesizeRequest,
  UsageReport,
  Voice,
  WebhookSecret,
} from './types.js';
import { JobWaiter, type WaitOptions } from './wait.js';

export interface RegisterSpeakerInput {
  name: string;
  lang: string;
  /** What the recording says. */
  referenceScript: string;
  /** The recording: a file path, bytes, a Blob or a stream. */
  audio: UploadSource;
  filename?: string;
  consent?: string;
  callbackUrl?: string;
}

/** Options every call takes. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Replaces the random Idempotency-Key a POST gets (to retry across processes). */
  idempotencyKey?: string;
}

const id = encodeURIComponent;

/**
 * The multipart body of POST /v1/speakers, for callers that send it themselves (e.g. through
 * `client.http.request` with `raw: true` to read an error answer as it is).
 */
export function speakerForm(input: RegisterSpeakerInput): Promise<{ body: Blob; contentType: string }> {
  return multipartBody(
    {
      name: input.name,
      lang: input.lang,
      reference_script: input.referenceScript,
      consent: input.consent,
      callback_url: input.callbackUrl,
    },
    'reference_audio',
    { source: input.audio, filename: input.filename },
  );
}

/**
 * A client of the VoiceReel API (docs/api.md): one typed method per route, key or signed auth,
 * retries honouring Retry-After, and waiting for jobs by their event stream or by polling.
 */
export class VoiceReelClient {
  readonly http: Transport;
  private readonly waiter: JobWaiter;

  constructor(options: ClientOptions = {}) {
    this.http = new Transport(options);
    this.waiter = new JobWaiter(this.http);
  }

  // Speakers

  async registerSpeaker(
    input: RegisterSpeakerInput,
    opts: CallOptions = {},
  ): Promise<RegisterSpeakerAccepted> {
    const { body, contentType } = await speakerForm(input);
    return this.http.json({ method: 'POST', path: '/v1/speakers', body, contentType, ...opts });
  }

  listSpeakers(
    params: { page?: number; page_size?: number } = {},
    opts: CallOptions = {},
  ): Promise<Page<Speaker>> {
    return this.http.json({ method: 'GET', path: `/v1/speakers${query(params)}`, ...opts });
  }

  getSpeaker(speakerId: string, opts: CallOptions = {}): Promise<Speaker> {
    return this.http.json({ method: 'GET', path: `/v1/speakers/${id(speakerId)}`, ...opts });
  }

  async deleteSpeaker(speakerId: string, opts: CallOptions = {}): Promise<void> {
    await this.http.json({ method: 'DELETE', path: `/v1/speakers/${id(speakerId)}`, ...opts });
  }

  // Synthesis and jobs

  synthesize(request: SynthesizeRequest, opts: CallOptions = {}): Promise<{ job_id: string }> {
    return this.http.json({ method: 'POST', path: '/v1/synthesize', json: request, ...opts });
  }

  getJob(jobId: string, opts: CallOptions = {}): Promise<Job> {
    return this.http.json({ method: 'GET', path: `/v1/jobs/${id(jobId)}`, ...opts });
  }

  listJobs(params: JobListQuery = {}, opts: CallOptions = {}): Promise<JobList> {
    return this.http.json({ method: 'GET', path: `/v1/jobs${query({ ...params })}`, ...opts });
  }

  /** Every job of a listing, following next_cursor. */
  async *allJobs(params: Omit<JobListQuery, 'cursor'> = {}, opts: CallOptions = {}): AsyncGenerator<Job> {
    let cursor: string | undefined;
    do {
      const page = await this.listJobs({ ...params, cursor }, opts);
      yield* page.items;
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
  }

  /** Cancels a queued or running job and deletes its files (DELETE /v1/jobs/{id}). */
  async cancelJob(jobId: string, opts: CallOptions = {}): Promise<void> {
    await this.http.json({ method: 'DELETE', path: `/v1/jobs/${id(jobId)}`, ...opts });
  }

  /** The same route as cancelJob: a finished job loses its files. */
  deleteJob(jobId: string, opts: CallOptions = {}): Promise<void> {
    return this.cancelJob(jobId, opts);
  }

  /** The raw event stream of a job (GET /v1/jobs/{id}/events); most callers want waitForJob. */
  jobEvents(jobId: string, opts: CallOptions & { lastEventId?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (opts.lastEventId) headers['Last-Event-ID'] = opts.lastEventId;
    return this.http.request({
      method: 'GET',
      path: `/v1/jobs/${id(jobId)}/events`,
      headers,
      signal: opts.signal,
    });
  }

  /** Resolves with the job once it is succeeded, failed or canceled (it does not throw for those). */
  waitForJob(jobId: string, opts: WaitOptions = {}): Promise<Job> {
    return this.waiter.wait(jobId, opts);
  }

  /** Waits and throws a VoiceReelError with the job's own error code unless the job succeeded. */
  async waitForSuccess(jobId: string, opts: WaitOptions = {}): Promise<Job> {
    const job = await this.waitForJob(jobId, opts);
    if (job.status === 'succeeded') return job;
    const code = job.error?.code ?? (job.status === 'canceled' ? 'CANCELED' : 'INTERNAL_ERROR');
    throw new VoiceReelError(0, code, job.error?.message ?? `Job ${job.id} was ${job.status}`, {
      job_id: job.id,
      status: job.status,
    });
  }

  // Files

  /** GET of a presigned file path (`result.audio_url`), optionally a byte range; no key is sent. */
  download(path: string, opts: CallOptions & { range?: ByteRange } = {}): Promise<Response> {
    return this.http.request({
      method: 'GET',
      path: this.relative(path),
      headers: rangeHeader(opts.range),
      anonymous: true,
      signal: opts.signal,
    });
  }

  async downloadBytes(path: string, opts: CallOptions & { range?: ByteRange } = {}): Promise<Uint8Array> {
    return new Uint8Array(await (await this.download(path, opts)).arrayBuffer());
  }

  /** Saves a presigned file to `file` (written whole or not at all); resolves with the byte count. */
  async downloadToFile(
    path: string,
    file: string,
    opts: CallOptions & { range?: ByteRange } = {},
  ): Promise<number> {
    return writeBodyToFile(await this.download(path, opts), file);
  }

  /** A synthesis job's result, after it succeeded. */
  static synthesisResult(job: Job): SynthesisResult {
    if (job.type !== 'synthesize' || !job.result) throw new Error(`Job ${job.id} has no synthesis result`);
    return job.result as SynthesisResult;
  }

  // OpenAI-compatible speech

  /** POST /v1/audio/speech: the audio as a web ReadableStream, bytes arriving as they are made. */
  async speech(request: SpeechRequest, opts: CallOptions = {}): Promise<ReadableStream<Uint8Array>> {
    const res = await this.http.request({ method: 'POST', path: '/v1/audio/speech', json: request, ...opts });
    if (!res.body) throw new VoiceReelError(res.status, 'INVALID_RESPONSE', 'The speech answer has no body');
    return res.body;
  }

  /** The same as speech, as a Node stream. */
  async speechNodeStream(request: SpeechRequest, opts: CallOptions = {}): Promise<Readable> {
    return Readable.fromWeb((await this.speech(request, opts)) as never);
  }

  async speechToFile(request: SpeechRequest, file: string, opts: CallOptions = {}): Promise<number> {
    const res = await this.http.request({ method: 'POST', path: '/v1/audio/speech', json: request, ...opts });
    return writeBodyToFile(res, file);
  }

  // Text and lexicons

  normalizeText(request: NormalizeRequest, opts: CallOptions = {}): Promise<NormalizeResult> {
    return this.http.json({ method: 'POST', path: '/v1/text/normalize', json: request, ...opts });
  }

  /** The project's lexicons, without their entries (getLexicon has them). */
  listLexicons(opts: CallOptions = {}): Promise<Page<Lexicon>> {
    return this.http.json({ method: 'GET', path: '/v1/lexicons', ...opts });
  }

  getLexicon(lexiconId: string, opts: CallOptions = {}): Promise<Lexicon> {
    return this.http.json({ method: 'GET', path: `/v1/lexicons/${id(lexiconId)}`, ...opts });
  }

  createLexicon(input: LexiconInput, opts: CallOptions = {}): Promise<Lexicon> {
    return this.http.json({ method: 'POST', path: '/v1/lexicons', json: input, ...opts });
  }

  updateLexicon(lexiconId: string, input: Partial<LexiconInput>, opts: CallOptions = {}): Promise<Lexicon> {
    return this.http.json({ method: 'PUT', path: `/v1/lexicons/${id(lexiconId)}`, json: input, ...opts });
  }

  async deleteLexicon(lexiconId: string, opts: CallOptions = {}): Promise<void> {
    await this.http.json({ method: 'DELETE', path: `/v1/lexicons/${id(lexiconId)}`, ...opts });
  }

  // Usage, keys, voices

  usage(month?: string, opts: CallOptions = {}): Promise<UsageReport> {
    return this.http.json({ method: 'GET', path: `/v1/usage${query({ month })}`, ...opts });
  }

  createKey(
    input: { name: string; project: string; admin?: boolean },
    opts: CallOptions = {},
  ): Promise<CreatedApiKey> {
    return this.http.json({ method: 'POST', path: '/v1/keys', json: input, ...opts });
  }

  listKeys(opts: CallOptions = {}): Promise<{ items: ApiKey[] }> {
    return this.http.json({ method: 'GET', path: '/v1/keys', ...opts });
  }

  async revokeKey(keyId: string, opts: CallOptions = {}): Promise<void> {
    await this.http.json({ method: 'DELETE', path: `/v1/keys/${id(keyId)}`, ...opts });
  }

  /** The caller's project webhook secret (GET /v1/webhooks/secret), to verify deliveries. */
  webhookSecret(opts: CallOptions = {}): Promise<WebhookSecret> {
    return this.http.json({ method: 'GET', path: '/v1/webhooks/secret', ...opts });
  }

  listVoices(lang?: string, opts: CallOptions = {}): Promise<{ items: Voice[] }> {
    return this.http.json({ method: 'GET', path: `/v1/voices${query({ lang })}`, ...opts });
  }

  /** A server path as sent: a full URL on this server is cut to its path and query. */
  private relative(path: string): string {
    if (!/^https?:\/\//.test(path)) return path;
    const u = new URL(path);
    return `${u.pathname}${u.search}`;
  }
}
