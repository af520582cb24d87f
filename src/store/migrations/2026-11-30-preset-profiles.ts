/**
 * Voice profiles of model packs' preset voices, measured once by synthesizing a calibration text
 * (so registered speakers can be matched to the closest preset). Keyed by the model file's sha256:
 * a changed model is measured again.
 */
export const id = '2026-11-30-preset-profiles';

export const sql = `
CREATE TABLE preset_profiles (
  model_sha256 TEXT NOT NULL,
  voice_id TEXT NOT NULL,
  profile_json TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (model_sha256, voice_id)
);
`;

/** PostgreSQL: the same schema, with 64-bit times, float8 and PL/pgSQL triggers. */
export const postgres = `
CREATE TABLE preset_profiles (
  model_sha256 TEXT NOT NULL,
  voice_id TEXT NOT NULL,
  profile_json TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (model_sha256, voice_id)
);
`;
