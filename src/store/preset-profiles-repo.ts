import type { VoiceProfile } from '../audio/types.js';
import type { Db } from './db.js';

/** Measured profiles of model packs' preset voices, by model checksum and voice id. */
export class PresetProfilesRepo {
  constructor(private readonly db: Db) {}

  forModel(modelSha256: string): Map<string, VoiceProfile> {
    const rows = this.db
      .prepare('SELECT voice_id, profile_json FROM preset_profiles WHERE model_sha256 = ?')
      .all(modelSha256) as Array<{ voice_id: string; profile_json: string }>;
    return new Map(rows.map((r) => [r.voice_id, JSON.parse(r.profile_json) as VoiceProfile]));
  }

  put(modelSha256: string, voiceId: string, profile: VoiceProfile, now: number): void {
    this.db
      .prepare(
        `INSERT INTO preset_profiles (model_sha256, voice_id, profile_json, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (model_sha256, voice_id) DO UPDATE SET profile_json = excluded.profile_json, created_at = excluded.created_at`,
      )
      .run(modelSha256, voiceId, JSON.stringify(profile), now);
  }
}
