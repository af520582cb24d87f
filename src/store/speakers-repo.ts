import type { VoiceProfile } from '../audio/types.js';
import type { Sql } from './sql/client.js';

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
  constructor(private readonly sql: Sql) {}

  async insert(s: NewSpeaker): Promise<void> {
    await this.sql.run(
      `INSERT INTO speakers (id, project, name, lang, status, consent, reference_script, reference_file,
         reference_format, reference_bytes, sample_rate, duration_seconds, speech_seconds, created_at, updated_at)
       VALUES (@id, @project, @name, @lang, 'pending', @consent, @reference_script, @reference_file,
         @reference_format, @reference_bytes, @sample_rate, @duration_seconds, @speech_seconds, @created_at, @created_at)`,
      s,
    );
  }

  /** `project` undefined: any project (admin keys). */
  get(id: string, project?: string): Promise<SpeakerRow | undefined> {
    return project === undefined
      ? this.sql.one<SpeakerRow>('SELECT * FROM speakers WHERE id = ?', [id])
      : this.sql.one<SpeakerRow>('SELECT * FROM speakers WHERE id = ? AND project = ?', [id, project]);
  }

  async list(
    project: string | undefined,
    limit: number,
    offset: number,
  ): Promise<{ items: SpeakerRow[]; total: number }> {
    const where = project === undefined ? '' : 'WHERE project = @project';
    const scope = project === undefined ? {} : { project };
    const items = await this.sql.all<SpeakerRow>(
      `SELECT * FROM speakers ${where} ORDER BY created_at, id LIMIT @limit OFFSET @offset`,
      { ...scope, limit, offset },
    );
    const total = Number(await this.sql.value(`SELECT COUNT(*) FROM speakers ${where}`, scope));
    return { items, total };
  }

  async markReady(id: string, profile: VoiceProfile, at: number): Promise<void> {
    await this.sql.run(
      `UPDATE speakers SET status = 'ready', profile_json = ?, error_code = NULL, error_message = NULL,
         updated_at = ? WHERE id = ?`,
      [JSON.stringify(profile), at, id],
    );
  }

  async markFailed(id: string, code: string, message: string, at: number): Promise<void> {
    await this.sql.run(
      `UPDATE speakers SET status = 'failed', error_code = ?, error_message = ?, updated_at = ? WHERE id = ?`,
      [code, message, at, id],
    );
  }

  async delete(id: string): Promise<boolean> {
    return (await this.sql.run('DELETE FROM speakers WHERE id = ?', [id])) > 0;
  }

  /**
   * Reference files older than `before`: the retention sweep deletes them and forgets the path.
   * A pending speaker's recording is kept: its registration job still has to analyse it.
   */
  referencesCreatedBefore(before: number): Promise<Array<{ id: string; reference_file: string }>> {
    return this.sql.all(
      `SELECT id, reference_file FROM speakers
       WHERE reference_file IS NOT NULL AND status <> 'pending' AND created_at < ?`,
      [before],
    );
  }

  /**
   * Speakers left pending although their registration job has finished: a crash between the two
   * updates, or databases from before cancel kept them in step. Read once at start-up.
   */
  pendingWithFinishedRegistration(): Promise<StalledRegistration[]> {
    const speakerOf = this.sql.dialect.jsonText('j.payload_json', 'speaker_id');
    return this.sql.all<StalledRegistration>(
      `SELECT s.id, j.status AS job_status, j.error_code AS job_error_code, j.error_message AS job_error_message
       FROM jobs j JOIN speakers s ON s.id = ${speakerOf}
       WHERE j.type = 'register_speaker' AND j.status IN ('succeeded', 'failed', 'canceled')
         AND s.status = 'pending'`,
    );
  }

  /** Recordings of canceled registrations still on disk (a delete that failed, or a crash before it). */
  canceledReferences(): Promise<Array<{ id: string; reference_file: string }>> {
    return this.sql.all(
      `SELECT id, reference_file FROM speakers
       WHERE reference_file IS NOT NULL AND status = 'failed' AND error_code = 'CANCELED'`,
    );
  }

  /** Every stored reference path: the start-up orphan sweep keeps these and nothing else under references/. */
  async referenceFiles(): Promise<string[]> {
    const rows = await this.sql.all<{ reference_file: string }>(
      'SELECT reference_file FROM speakers WHERE reference_file IS NOT NULL',
    );
    return rows.map((r) => r.reference_file);
  }

  async clearReference(id: string, at: number): Promise<void> {
    await this.sql.run('UPDATE speakers SET reference_file = NULL, updated_at = ? WHERE id = ?', [at, id]);
  }
}
