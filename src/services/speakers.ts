import type { VoiceProfile } from '../audio/types.js';
import { LANGUAGES, type Language } from '../engine/types.js';
import { errors, JobFailure } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { round2 } from '../lib/round.js';
import type { Store } from '../store/index.js';
import type { SpeakerRow } from '../store/speakers-repo.js';
import type { AudioBackend } from '../engine/contract.js';
import type { JobAdmission } from './admission.js';
import type { FileStore } from './file-store.js';
import { type Principal, projectScope } from './keys.js';
import type { UsageMeter } from './usage.js';
import type { SpeakerVoice } from './voices/catalog.js';

export interface RegisterInput {
  name: unknown;
  lang: unknown;
  reference_script: unknown;
  consent: unknown;
  audio: Uint8Array | undefined;
  /** Already checked against the webhook allow-list (WebhookService.checkUrl). */
  callback_url?: string;
}

export interface SpeakerView {
  id: string;
  name: string;
  lang: string;
  status: string;
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
  /** The engine and voice that speak for this speaker (null until it is ready). */
  voice: SpeakerVoice | null;
  error: { code: string; message: string } | null;
}

export interface RegisterJobPayload {
  speaker_id: string;
}

const MAX_NAME = 100;
const MAX_SCRIPT = 20_000;
const MAX_CONSENT = 4_000;

export class SpeakerService {
  constructor(
    private readonly store: Store,
    private readonly files: FileStore,
    private readonly backend: AudioBackend,
    private readonly usage: UsageMeter,
    private readonly clock: Clock,
    private readonly admission: JobAdmission,
    private readonly limits: { minSpeechSeconds: number },
    /** Which voice currently serves a ready speaker (VoiceCatalog.forSpeaker). */
    private readonly voiceFor: (profile: VoiceProfile, lang: Language) => SpeakerVoice,
  ) {}

  /** Validates, inspects the audio on a worker, then stores file, speaker and job together. */
  async register(who: Principal, input: RegisterInput): Promise<{ job_id: string; speaker_id: string }> {
    const name = requiredText(input.name, 'name', MAX_NAME);
    const lang = parseLanguage(input.lang);
    const script = requiredText(input.reference_script, 'reference_script', MAX_SCRIPT);
    const consent = optionalText(input.consent, 'consent', MAX_CONSENT);
    if (!input.audio || input.audio.length === 0) {
      throw errors.invalidInput('reference_audio is required (a WAV or MP3 file).', {
        field: 'reference_audio',
      });
    }
    // Refused before the upload is inspected, and checked again below where the job row is written.
    this.admission.ensureRoom(who);
    const inspection = await this.backend.inspectReference(input.audio);
    if (!inspection.ok)
      throw errors.unsupportedMedia(`reference_audio cannot be decoded: ${inspection.reason}`);
    if (inspection.speechSeconds < this.limits.minSpeechSeconds) {
      throw errors.insufficientRef(inspection.speechSeconds, this.limits.minSpeechSeconds);
    }

    const speakerId = newId('spk');
    const jobId = newId('job');
    const relPath = `references/${speakerId}.${inspection.format}`;
    const now = this.clock.now();
    this.files.write(relPath, input.audio);
    try {
      this.store.db.transaction(() => {
        // Other requests may have been admitted while this upload was inspected.
        this.admission.ensureRoom(who);
        this.store.speakers.insert({
          id: speakerId,
          project: who.project,
          name,
          lang,
          consent,
          reference_script: script,
          reference_file: relPath,
          reference_format: inspection.format,
          reference_bytes: input.audio?.length ?? 0,
          sample_rate: inspection.sampleRate,
          duration_seconds: inspection.durationSeconds,
          speech_seconds: inspection.speechSeconds,
          created_at: now,
        });
        const payload: RegisterJobPayload = { speaker_id: speakerId };
        this.store.jobs.insert({
          id: jobId,
          project: who.project,
          key_id: who.keyId,
          type: 'register_speaker',
          payload_json: JSON.stringify(payload),
          created_at: now,
          callback_url: input.callback_url,
        });
      })();
    } catch (err) {
      this.files.remove(relPath);
      throw err;
    }
    this.usage.record(who, { registrations: 1 });
    return { job_id: jobId, speaker_id: speakerId };
  }

  /** The registration job: full analysis, then the speaker is ready or failed with a reason. */
  async completeRegistration(
    payload: RegisterJobPayload,
  ): Promise<{ speaker_id: string; profile: VoiceProfile }> {
    const speaker = this.store.speakers.get(payload.speaker_id);
    if (!speaker)
      throw new JobFailure('NOT_FOUND', 'The speaker was deleted before its registration finished.');
    if (!speaker.reference_file)
      throw new JobFailure('NOT_FOUND', 'The reference audio is no longer stored.');
    const bytes = await this.files.read(speaker.reference_file);
    const analysis = await this.backend.analyzeReference({
      bytes,
      transcript: speaker.reference_script,
      lang: speaker.lang as Language,
    });
    if (!analysis.plausibility.ok) {
      const message = `The reference transcript does not match the recording: ${analysis.plausibility.reason ?? 'implausible speaking rate'}.`;
      this.store.speakers.markFailed(speaker.id, 'SCRIPT_MISMATCH', message, this.clock.now());
      throw new JobFailure('SCRIPT_MISMATCH', message);
    }
    this.store.speakers.markReady(speaker.id, analysis.profile, this.clock.now());
    return { speaker_id: speaker.id, profile: analysis.profile };
  }

  /** Registration jobs that fail for any other reason leave the speaker failed too, never pending forever. */
  failRegistration(payload: RegisterJobPayload, code: string, message: string): void {
    this.store.speakers.markFailed(payload.speaker_id, code, message, this.clock.now());
  }

  get(who: Principal, id: string): SpeakerView {
    return this.toView(this.find(who, id));
  }

  find(who: Principal, id: string): SpeakerRow {
    const row = this.store.speakers.get(id, projectScope(who));
    if (!row) throw errors.notFound('Speaker');
    return row;
  }

  list(who: Principal, page: number, pageSize: number) {
    const { items, total } = this.store.speakers.list(projectScope(who), pageSize, (page - 1) * pageSize);
    return { items: items.map((r) => this.toView(r)), page, page_size: pageSize, total };
  }

  /** Deletes the voice and its reference audio; pending registration jobs are canceled first. */
  delete(who: Principal, id: string, cancelJob: (jobId: string) => void): void {
    const row = this.find(who, id);
    for (const job of this.store.jobs.queuedForSpeaker(row.id)) cancelJob(job.id);
    this.store.speakers.delete(row.id);
    if (row.reference_file) this.files.remove(row.reference_file);
  }

  private toView(row: SpeakerRow): SpeakerView {
    const view = rowView(row);
    return { ...view, voice: view.profile ? this.voiceFor(view.profile, row.lang as Language) : null };
  }
}

function rowView(row: SpeakerRow): Omit<SpeakerView, 'voice'> {
  return {
    id: row.id,
    name: row.name,
    lang: row.lang,
    status: row.status,
    sample_rate: row.sample_rate,
    created_at: new Date(row.created_at).toISOString(),
    consent: row.consent,
    reference: {
      format: row.reference_format,
      bytes: row.reference_bytes,
      duration_seconds: row.duration_seconds === null ? null : round2(row.duration_seconds),
      speech_seconds: row.speech_seconds === null ? null : round2(row.speech_seconds),
      retained: row.reference_file !== null,
    },
    profile: row.profile_json ? (JSON.parse(row.profile_json) as VoiceProfile) : null,
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
  };
}

export function parseLanguage(value: unknown, field = 'lang'): Language {
  if (typeof value !== 'string' || !(LANGUAGES as readonly string[]).includes(value)) {
    throw errors.invalidInput(`${field} must be one of: ${LANGUAGES.join(', ')}.`, {
      field,
      supported: LANGUAGES,
    });
  }
  return value as Language;
}

export function requiredText(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw errors.invalidInput(`${field} is required.`, { field });
  }
  const text = value.trim();
  if (text.length > max)
    throw errors.invalidInput(`${field} is longer than ${max} characters.`, { field, max });
  return text;
}

function optionalText(value: unknown, field: string, max: number): string | null {
  if (value === undefined || value === null || value === '') return null;
  return requiredText(value, field, max);
}
