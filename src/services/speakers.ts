import type { DecodeLimits } from '../audio/limits.js';
import type { VoiceProfile } from '../audio/types.js';
import { LANGUAGES, type Language } from '../engine/types.js';
import { errors, JobFailure } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { round2 } from '../lib/round.js';
import type { Repos, Store } from '../store/index.js';
import type { ObjectStore } from '../store/objects/object-store.js';
import type { SpeakerRow } from '../store/speakers-repo.js';
import type { AudioBackend } from '../engine/contract.js';
import type { JobAdmission } from './admission.js';
import { limitError, refuseOutOfLimits } from './reference-limits.js';
import { AUDIO_TYPES } from './synthesis.js';
import { type Principal, projectScope } from './keys.js';
import type { UsageMeter } from './usage.js';
import type { SpeakerVoice } from './voices/catalog.js';
import type { QueuePort } from './queue-port.js';
import type { WebhookService } from './webhooks.js';

export interface RegisterInput {
  name: unknown;
  lang: unknown;
  reference_script: unknown;
  consent: unknown;
  audio: Uint8Array | undefined;
  /** Already checked against the webhook allow-list (WebhookService.checkUrl). */
  callback_url?: unknown;
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

/** What a speaker whose registration was canceled says (GET /v1/speakers/{id}). */
export const REGISTRATION_CANCELED = 'The registration was canceled; its recording was deleted.';

const MAX_NAME = 100;
const MAX_SCRIPT = 20_000;
const MAX_CONSENT = 4_000;

export class SpeakerService {
  constructor(
    private readonly store: Store,
    private readonly objects: ObjectStore,
    private readonly backend: AudioBackend,
    private readonly usage: UsageMeter,
    private readonly clock: Clock,
    private readonly admission: JobAdmission,
    private readonly limits: { minSpeechSeconds: number; maxReferenceSeconds: number },
    /** Which voice currently serves a ready speaker (VoiceCatalog.forSpeaker). */
    private readonly voiceFor: (profile: VoiceProfile, lang: Language) => SpeakerVoice,
    private readonly webhooks: Pick<WebhookService, 'checkUrl'>,
    private readonly queue: QueuePort,
  ) {}

  /** Validates, inspects the audio on a worker, then stores file, speaker and job together. */
  async register(who: Principal, input: RegisterInput): Promise<{ job_id: string; speaker_id: string }> {
    const name = requiredText(input.name, 'name', MAX_NAME);
    const lang = parseLanguage(input.lang);
    const script = requiredText(input.reference_script, 'reference_script', MAX_SCRIPT);
    const consent = optionalText(input.consent, 'consent', MAX_CONSENT);
    const callbackUrl = this.webhooks.checkUrl(input.callback_url);
    if (!input.audio || input.audio.length === 0) {
      throw errors.invalidInput('reference_audio is required (a WAV or MP3 file).', {
        field: 'reference_audio',
      });
    }
    // Refused before the upload is inspected, and checked again below where the job row is written.
    await this.admission.ensureRoom(who);
    // The headers alone can show a recording is too long: refused here, without waiting for a worker.
    const limits = this.decodeLimits();
    refuseOutOfLimits(input.audio, limits);
    const inspection = await this.backend.inspectReference(
      { bytes: input.audio, limits },
      { project: who.project, mayRefuse: true },
    );
    if (!inspection.ok) {
      if (inspection.breach) throw limitError(inspection.breach);
      throw errors.unsupportedMedia(`reference_audio cannot be decoded: ${inspection.reason}`);
    }
    if (inspection.speechSeconds < this.limits.minSpeechSeconds) {
      throw errors.insufficientRef(inspection.speechSeconds, this.limits.minSpeechSeconds);
    }

    const speakerId = newId('spk');
    const jobId = newId('job');
    const relPath = `references/${speakerId}.${inspection.format}`;
    const now = this.clock.now();
    try {
      await this.objects.put(relPath, input.audio, AUDIO_TYPES[inspection.format]);
      await this.store.transaction(async (tx) => {
        // Other requests may have been admitted while this upload was inspected.
        await tx.jobs.lockAdmission();
        await this.admission.ensureRoom(who, tx.jobs);
        await tx.speakers.insert({
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
        await tx.jobs.insert({
          id: jobId,
          project: who.project,
          key_id: who.keyId,
          type: 'register_speaker',
          payload_json: JSON.stringify(payload),
          created_at: now,
          callback_url: callbackUrl,
        });
      });
    } catch (err) {
      await this.objects.remove(relPath).catch(() => undefined);
      throw err;
    }
    await this.usage.record(who, { registrations: 1 });
    this.queue.notify();
    return { job_id: jobId, speaker_id: speakerId };
  }

  /**
   * The registration job: full analysis, then the speaker is ready or failed with a reason. The
   * speaker changes state only in the transaction that finishes its job, so a job canceled while
   * the analysis ran stays canceled and its speaker never turns ready.
   */
  async completeRegistration(
    jobId: string,
    payload: RegisterJobPayload,
    signal: AbortSignal,
  ): Promise<{ speaker_id: string; profile: VoiceProfile }> {
    const speaker = await this.store.speakers.get(payload.speaker_id);
    if (!speaker)
      throw new JobFailure('NOT_FOUND', 'The speaker was deleted before its registration finished.');
    if (!speaker.reference_file)
      throw new JobFailure('NOT_FOUND', 'The reference audio is no longer stored.');
    const bytes = await this.objects.get(speaker.reference_file);
    signal.throwIfAborted();
    const analysis = await this.backend.analyzeReference(
      {
        bytes,
        transcript: speaker.reference_script,
        lang: speaker.lang as Language,
        limits: this.decodeLimits(),
      },
      { project: speaker.project, mayRefuse: false, signal },
    );
    const now = this.clock.now();
    if (!analysis.plausibility.ok) {
      const message = `The reference transcript does not match the recording: ${analysis.plausibility.reason ?? 'implausible speaking rate'}.`;
      await this.moveTogether(
        (tx) => tx.jobs.fail(jobId, 'SCRIPT_MISMATCH', message, now),
        (tx) => tx.speakers.markFailed(speaker.id, 'SCRIPT_MISMATCH', message, now),
      );
      throw new JobFailure('SCRIPT_MISMATCH', message);
    }
    const result = { speaker_id: speaker.id, profile: analysis.profile };
    await this.moveTogether(
      (tx) => tx.jobs.succeed(jobId, result, now),
      (tx) => tx.speakers.markReady(speaker.id, analysis.profile, now),
    );
    return result;
  }

  /** Registration jobs that fail for any other reason leave the speaker failed too, never pending forever. */
  failRegistration(payload: RegisterJobPayload, code: string, message: string): Promise<void> {
    return this.store.speakers.markFailed(payload.speaker_id, code, message, this.clock.now());
  }

  /**
   * A canceled registration (queued or running): the speaker is failed with code CANCELED rather
   * than deleted, so its id still answers and says what happened, and its recording, which was
   * never turned into a voice, is deleted at once instead of waiting for the retention sweep.
   */
  async cancelRegistration(payload: RegisterJobPayload): Promise<void> {
    const speaker = await this.store.speakers.get(payload.speaker_id);
    if (!speaker || speaker.status !== 'pending') return;
    const now = this.clock.now();
    await this.store.speakers.markFailed(speaker.id, 'CANCELED', REGISTRATION_CANCELED, now);
    if (!speaker.reference_file) return;
    await this.objects.remove(speaker.reference_file);
    await this.store.speakers.clearReference(speaker.id, now);
  }

  /**
   * At start-up: a speaker still pending although its registration job finished (a crash between
   * the two updates, or a job canceled before cancels were kept in step) takes the job's outcome.
   * Returns how many were settled; the retention sweep then deletes canceled recordings.
   */
  async settleStalledRegistrations(): Promise<number> {
    const stalled = await this.store.speakers.pendingWithFinishedRegistration();
    const now = this.clock.now();
    for (const s of stalled) {
      if (s.job_status === 'canceled') {
        await this.store.speakers.markFailed(s.id, 'CANCELED', REGISTRATION_CANCELED, now);
      } else {
        const code = s.job_status === 'failed' ? (s.job_error_code ?? 'INTERNAL_ERROR') : 'INTERNAL_ERROR';
        const message =
          s.job_status === 'failed' && s.job_error_message
            ? s.job_error_message
            : 'The registration was interrupted; register the voice again.';
        await this.store.speakers.markFailed(s.id, code, message, now);
      }
    }
    return stalled.length;
  }

  async get(who: Principal, id: string): Promise<SpeakerView> {
    return this.toView(await this.find(who, id));
  }

  async find(who: Principal, id: string): Promise<SpeakerRow> {
    const row = await this.store.speakers.get(id, projectScope(who));
    if (!row) throw errors.notFound('Speaker');
    return row;
  }

  async list(who: Principal, page: number, pageSize: number) {
    const { items, total } = await this.store.speakers.list(
      projectScope(who),
      pageSize,
      (page - 1) * pageSize,
    );
    return { items: items.map((r) => this.toView(r)), page, page_size: pageSize, total };
  }

  /** Deletes the voice and its reference audio; pending registration jobs are canceled first. */
  async delete(who: Principal, id: string): Promise<void> {
    const row = await this.find(who, id);
    for (const job of await this.store.jobs.queuedForSpeaker(row.id)) await this.queue.cancel(job.id);
    await this.store.speakers.delete(row.id);
    if (row.reference_file) await this.objects.remove(row.reference_file);
  }

  /** Job and speaker change in one transaction; a job no longer running (canceled) moves neither. */
  private async moveTogether(
    finishJob: (tx: Repos) => Promise<boolean>,
    updateSpeaker: (tx: Repos) => Promise<void>,
  ): Promise<void> {
    const moved = await this.store.transaction(async (tx) => {
      if (!(await finishJob(tx))) return false;
      await updateSpeaker(tx);
      return true;
    });
    if (!moved) throw new JobFailure('CANCELED', 'The registration was canceled while it was analysed.');
  }

  private decodeLimits(): DecodeLimits {
    return { maxSeconds: this.limits.maxReferenceSeconds };
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
