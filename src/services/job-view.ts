import type { FileRow } from '../store/files-repo.js';
import type { Store } from '../store/index.js';
import type { JobRow } from '../store/jobs-repo.js';
import type { DeliveryRow } from '../store/webhook-deliveries-repo.js';
import type { Presigner } from './presign.js';
import type { SynthesisResult } from './synthesis.js';

export interface JobView {
  id: string;
  type: string;
  status: string;
  progress: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error?: { code: string; message: string };
  result?: Record<string, unknown>;
  callback?: CallbackView;
}

/** A job's webhook: `waiting` until the job finishes, then the outbox row's state. */
export interface CallbackView {
  url: string;
  status: 'waiting' | 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_error: string | null;
  next_attempt_at: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The SPEC's job shape. Download URLs are signed afresh on every read, so a client polling an old
 * job always gets a working link while the files are retained.
 */
export function toJobView(
  job: JobRow,
  files: FileRow[],
  presigner: Presigner,
  delivery?: DeliveryRow,
): JobView {
  const view: JobView = {
    id: job.id,
    type: job.type,
    status: job.status,
    progress: Math.round(job.progress * 1000) / 1000,
    created_at: iso(job.created_at) as string,
    started_at: iso(job.started_at),
    finished_at: iso(job.finished_at),
  };
  if (job.error_code) view.error = { code: job.error_code, message: job.error_message ?? '' };
  if (job.status === 'succeeded' && job.result_json) view.result = resultView(job, files, presigner);
  if (job.callback_url) view.callback = callbackView(job.callback_url, delivery);
  return view;
}

/** The one view of a job: GET /v1/jobs/{id}, the terminal event of its stream and its webhook body. */
export async function viewJob(
  store: Pick<Store, 'files' | 'webhooks'>,
  presigner: Presigner,
  job: JobRow,
): Promise<JobView> {
  const [files, delivery] = await Promise.all([
    store.files.forJob(job.id),
    job.callback_url ? store.webhooks.forJob(job.id) : undefined,
  ]);
  return toJobView(job, files, presigner, delivery);
}

function callbackView(url: string, d: DeliveryRow | undefined): CallbackView {
  if (!d) return { url, status: 'waiting', attempts: 0, last_error: null, next_attempt_at: null };
  return {
    url,
    status: d.status,
    attempts: d.attempts,
    last_error: d.last_error,
    next_attempt_at: iso(d.next_attempt_at),
  };
}

function resultView(job: JobRow, files: FileRow[], presigner: Presigner): Record<string, unknown> {
  const raw = JSON.parse(job.result_json as string) as Record<string, unknown>;
  if (job.type !== 'synthesize') return raw;
  const r = raw as unknown as SynthesisResult;
  const audio = files.find((f) => f.id === r.audio_file);
  const captions = files.find((f) => f.id === r.caption_file);
  const audioUrl = audio ? presigner.sign(audio.id) : undefined;
  return {
    audio_url: audioUrl?.path ?? null,
    audio_expires_at: audioUrl ? new Date(audioUrl.expiresAt).toISOString() : null,
    files_expire_at: audio?.expires_at ? new Date(audio.expires_at).toISOString() : null,
    duration: r.duration,
    format: r.format,
    sample_rate: r.sample_rate,
    captions: r.captions,
    caption_format: r.caption_format,
    caption_url: captions ? presigner.sign(captions.id).path : null,
  };
}
