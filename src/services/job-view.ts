import type { FileRow } from '../store/files-repo.js';
import type { JobRow } from '../store/jobs-repo.js';
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
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The SPEC's job shape. Download URLs are signed afresh on every read, so a client polling an old
 * job always gets a working link while the files are retained.
 */
export function toJobView(job: JobRow, files: FileRow[], presigner: Presigner): JobView {
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
  return view;
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
