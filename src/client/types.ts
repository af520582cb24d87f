/**
 * The API's documented shapes (docs/api.md). Written out here rather than imported from the server:
 * the client is used by other programs and depends on nothing but Node's built-ins.
 */

export type Language = 'ko' | 'en' | 'ja';
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';
export type JobType = 'synthesize' | 'register_speaker' | (string & {});
export type AudioFormat = 'wav' | 'mp3';
export type CaptionFormat = 'json' | 'vtt' | 'srt';

export interface ApiErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
  request_id?: string;
}

export interface Page<T> {
  items: T[];
  page: number;
  page_size: number;
  total: number;
}

export interface VoiceProfile {
  [measure: string]: unknown;
}

export interface Speaker {
  id: string;
  name: string;
  lang: string;
  status: 'pending' | 'ready' | 'failed' | (string & {});
  sample_rate: number | null;
  created_at: string;
  consent: string | null;
  reference: {
    format: string | null;
    bytes: number;
    duration_seconds: number | null;
    speech_seconds: number | null;
    retained: boolean;
  };
  profile: VoiceProfile | null;
  voice: {
    engine: string;
    voice: string;
    blend?: Array<{ voice: string; weight: number }>;
    speed: number;
  } | null;
  error: { code: string; message: string } | null;
}

export interface RegisterSpeakerAccepted {
  job_id: string;
  speaker_id: string;
}

export interface ScriptLine {
  speaker_id?: string;
  voice?: string;
  text: string;
  speed?: number;
}

export interface SynthesizeRequest {
  script: ScriptLine[];
  output_format?: AudioFormat;
  sample_rate?: 8000 | 16000 | 22050 | 24000 | 44100 | 48000;
  caption_format?: CaptionFormat;
  /** Lexicon ids of the caller's project to apply; [] turns the default ones off. */
  lexicons?: string[];
  /** Webhook destination for the job's terminal state (where the server supports it). */
  callback_url?: string;
}

export interface CaptionUnit {
  start: number;
  end: number;
  speaker: string;
  speaker_name?: string;
  text: string;
  words?: Array<{ text: string; start: number; end: number }>;
}

export interface SynthesisResult {
  audio_url: string | null;
  audio_expires_at: string | null;
  files_expire_at: string | null;
  duration: number;
  format: AudioFormat;
  sample_rate: number;
  caption_format: CaptionFormat | null;
  caption_url: string | null;
  captions: CaptionUnit[];
}

export interface Job {
  id: string;
  type: JobType;
  status: JobStatus;
  progress: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error?: { code: string; message: string };
  /** A synthesis job's SynthesisResult; other job types' own result. */
  result?: SynthesisResult | Record<string, unknown>;
  /** With a callback_url: the webhook, `waiting` until the job ends, then its delivery's state. */
  callback?: JobCallback;
}

export interface JobCallback {
  url: string;
  status: 'waiting' | 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_error: string | null;
  next_attempt_at: string | null;
}

/** GET /v1/webhooks/secret: the project's secret to verify the webhooks it receives. */
export interface WebhookSecret {
  project: string;
  /** whsec_<base64>, as Standard Webhooks libraries take it. */
  secret: string;
  scheme: 'standard-webhooks-v1';
}

export interface JobListQuery {
  status?: JobStatus;
  type?: JobType;
  created_after?: string | Date;
  created_before?: string | Date;
  limit?: number;
  cursor?: string;
  /** Admin keys only: one project's jobs (a project key may name only its own). */
  project?: string;
}

export interface JobList {
  items: Job[];
  next_cursor: string | null;
}

/** One Server-Sent Event of GET /v1/jobs/{id}/events. */
export type JobEvent =
  | { id?: string; type: 'queued' | 'started'; data: Record<string, unknown> }
  | { id?: string; type: 'progress'; data: { progress: number; line?: number; lines?: number } }
  | { id?: string; type: 'log'; data: { level: string; message: string } }
  | { id?: string; type: 'succeeded' | 'failed' | 'canceled'; data: Job };

export interface UsageTotals {
  requests: number;
  synthesized_seconds: number;
  characters: number;
  registrations: number;
}

export interface UsageReport {
  month: string;
  keys: Array<UsageTotals & { key_id: string; project: string }>;
  projects: Array<UsageTotals & { project: string }>;
  total: UsageTotals;
}

export interface ApiKey {
  id: string;
  name: string;
  project: string;
  admin: boolean;
  created_at: string;
  last_used_at: string | null;
  revoked: boolean;
}

export interface CreatedApiKey extends ApiKey {
  /** The secret, shown only in this answer. */
  key: string;
}

export interface Voice {
  id: string;
  engine: string;
  lang: string;
  language: Language;
  name: string;
  gender?: 'female' | 'male' | 'neutral';
  sample_rate: number;
  pack?: { name: string; version: string; license: string };
  /** Measured by speaking a calibration text in the voice (median F0, syllable rate, …). */
  profile?: VoiceProfile | null;
}

/** OpenAI-compatible POST /v1/audio/speech. */
export interface SpeechRequest {
  model?: string;
  input: string;
  voice: string;
  response_format?: 'mp3' | 'wav' | 'pcm' | 'opus' | 'flac';
  speed?: number;
  stream_format?: 'audio' | 'sse';
}

export interface NormalizeRequest {
  text: string;
  lang: Language;
  /** Lexicon ids of the caller's project and/or inline entries. */
  lexicon?: Array<string | LexiconEntry>;
}

export interface NormalizeResult {
  /** The text as it will be spoken. */
  spoken: string;
  /** Written → spoken, in order: the written parts join to the input. */
  tokens: Array<{ written: string; spoken: string }>;
}

export interface LexiconEntry {
  grapheme: string;
  /** Say the grapheme as this text… */
  alias?: string;
  /** …or as these IPA phonemes. */
  phonemes?: string;
  case_sensitive?: boolean;
}

export interface Lexicon {
  id: string;
  name: string;
  lang: Language;
  default: boolean;
  entry_count: number;
  /** In GET /v1/lexicons/{id} and the answers to create and replace; not in the list. */
  entries?: LexiconEntry[];
  created_at: string;
  updated_at: string;
}

export interface LexiconInput {
  name: string;
  lang: Language;
  /** Applied to every synthesis of the project unless a request names its lexicons. */
  default?: boolean;
  entries: LexiconEntry[];
}
