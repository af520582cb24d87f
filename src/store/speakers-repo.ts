import type { VoiceProfile } from '../audio/types.js';
import type { Db } from './db.js';

export type SpeakerStatus = 'pending' | 'ready' | 'failed';

export interface SpeakerRow {
  id: string;
  project: string;
  name: string;
  lang: string;
  status: SpeakerStatus;
  consent: string | null;
  reference_script: string;
  reference_file: string | null;
  reference_format: string | null;
  reference_bytes: number;
  sample_rate: number | null;
  duration_seconds: number | null;
  speech_seconds: number | null;
  profile_json: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: number;
  updated_at: number;
}

export type NewSpeaker = Pick<
  SpeakerRow,
  | 'id'
  | 'project'
  | 'name'
  | 'lang'
  | 'consent'
  | 'reference_script'
  | 'reference_file'
  | 'reference_format'
  | 'reference_bytes'
  | 'sample_rate'
  | 'duration_seconds'
  | 'speech_seconds'
  | 'created_at'
>;

/** A pending speaker and the registration job that finished without settling it. */
export interface StalledRegistration {
  id: string;
  job_status: string;
  job_error_code: string | null;
  job_error_message: string | null;
}

export class SpeakersRepo {
  constructor(private readonly db: Db) {}

  insert(s: NewSpeaker): void {
    this.db
      .prepare(
        `INSERT INTO speakers (id, project, name, lang, status, consent, reference_script, reference_file,
           reference_format, reference_bytes, sample_rate, duration_seconds, speech_seconds, created_at, updated_at)
         VALUES (@id, @project, @name, @lang, 'pending', @consent, @reference_script, @reference_file,
           @reference_format, @reference_bytes, @sample_rate, @duration_seconds, @speech_seconds, @created_at, @created_at)`,
      )
      .run(s);
  }

  /** `project` undefined: any project (admin keys). */
  get(id: string, project?: string): SpeakerRow | undefined {
    return (
      project === undefined
        ? this.db.prepare('SELECT * FROM speakers WHERE id = ?').get(id)
        : this.db.prepare('SELECT * FROM speakers WHERE id = ? AND project = ?').get(id, project)
    ) as SpeakerRow | undefined;
  }

  list(project: string | undefined, limit: number, offset: number): { items: SpeakerRow[]; total: number } {
    const where = project === undefined ? '' : 'WHERE project = @project';
    const items = this.db
      .prepare(`SELECT * FROM speakers ${where} ORDER BY created_at, id LIMIT @limit OFFSET @offset`)
      .all({ project, limit, offset }) as SpeakerRow[];
    const total = this.db
      .prepare(`SELECT COUNT(*) FROM speakers ${where}`)
      .pluck()
      .get({ project }) as number;
    return { items, total };
  }

  markReady(id: string, profile: VoiceProfile, at: number): void {
    this.db
      .prepare(
        `UPDATE speakers SET status = 'ready', profile_json = ?, error_code = NULL, error_message = NULL,
           updated_at = ? WHERE id = ?`,
      )
      .run(JSON.stringify(profile), at, id);
  }

  markFailed(id: string, code: string, message: string, at: number): void {
    this.db
      .prepare(
        `UPDATE speakers SET status = 'failed', error_code = ?, error_message = ?, updated_at = ? WHERE id = ?`,
      )
      .run(code, message, at, id);
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM speakers WHERE id = ?').run(id).changes > 0;
  }

  /**
   * Reference files older than `before`: the retention sweep deletes them and forgets the path.
   * A pending speaker's recording is kept: its registration job still has to analyse it.
   */
  referencesCreatedBefore(before: number): Array<{ id: string; reference_file: string }> {
    return this.db
      .prepare(
        `SELECT id, reference_file FROM speakers
         WHERE reference_file IS NOT NULL AND status <> 'pending' AND created_at < ?`,
      )
      .all(before) as Array<{ id: string; reference_file: string }>;
  }

  /**
   * Speakers left pending although their registration job has finished: a crash between the two
   * updates, or databases from before cancel kept them in step. Read once at start-up.
   */
  pendingWithFinishedRegistration(): StalledRegistration[] {
    return this.db
      .prepare(
        `SELECT s.id, j.status AS job_status, j.error_code AS job_error_code, j.error_message AS job_error_message
         FROM jobs j JOIN speakers s ON s.id = json_extract(j.payload_json, '$.speaker_id')
         WHERE j.type = 'register_speaker' AND j.status IN ('succeeded', 'failed', 'canceled')
           AND s.status = 'pending'`,
      )
      .all() as StalledRegistration[];
  }

  /** Recordings of canceled registrations still on disk (a delete that failed, or a crash before it). */
  canceledReferences(): Array<{ id: string; reference_file: string }> {
    return this.db
      .prepare(
        `SELECT id, reference_file FROM speakers
         WHERE reference_file IS NOT NULL AND status = 'failed' AND error_code = 'CANCELED'`,
      )
      .all() as Array<{ id: string; reference_file: string }>;
  }

  /** Every stored reference path: the start-up orphan sweep keeps these and nothing else under references/. */
  referenceFiles(): string[] {
    return this.db
      .prepare('SELECT reference_file FROM speakers WHERE reference_file IS NOT NULL')
      .pluck()
      .all() as string[];
  }

  clearReference(id: string, at: number): void {
    this.db.prepare('UPDATE speakers SET reference_file = NULL, updated_at = ? WHERE id = ?').run(at, id);
  }
}
