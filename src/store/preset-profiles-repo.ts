import type { VoiceProfile } from '../audio/types.js';
import type { Sql } from './sql/client.js';

/** Measured profiles of model packs' preset voices, by model checksum and voice id. */
export class PresetProfilesRepo {
  constructor(private readonly sql: Sql) {}

  async forModel(modelSha256: string): Promise<Map<string, VoiceProfile>> {
    const rows = await this.sql.all<{ voice_id: string; profile_json: string }>(
      'SELECT voice_id, profile_json FROM preset_profiles WHERE model_sha256 = ?',
      [modelSha256],
    );
    return new Map(rows.map((r) => [r.voice_id, JSON.parse(r.profile_json) as VoiceProfile]));
  }

  async put(modelSha256: string, voiceId: string, profile: VoiceProfile, now: number): Promise<void> {
    await this.sql.run(
      `INSERT INTO preset_profiles (model_sha256, voice_id, profile_json, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (model_sha256, voice_id) DO UPDATE SET profile_json = excluded.profile_json, created_at = excluded.created_at`,
      [modelSha256, voiceId, JSON.stringify(profile), now],
    );
  }
}
