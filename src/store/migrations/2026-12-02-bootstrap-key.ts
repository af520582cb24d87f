/**
 * Marks the bootstrap admin key (the configured `VR_API_KEY`/`api_key`, or the one printed at first
 * start) so a changed configuration can replace it. Earlier versions named it "bootstrap" and kept
 * every previous configured key working; those rows are marked too, and the next start revokes all
 * but the configured (or, with none configured, the newest) one.
 */
export const id = '2026-12-02-bootstrap-key';

export const sql = `
ALTER TABLE api_keys ADD COLUMN bootstrap INTEGER NOT NULL DEFAULT 0;
UPDATE api_keys SET bootstrap = 1
  WHERE name = 'bootstrap' AND project = 'default' AND admin = 1 AND revoked_at IS NULL;
`;

/** PostgreSQL: the same schema, with 64-bit times, float8 and PL/pgSQL triggers. */
export const postgres = `
ALTER TABLE api_keys ADD COLUMN bootstrap INTEGER NOT NULL DEFAULT 0;
UPDATE api_keys SET bootstrap = 1
  WHERE name = 'bootstrap' AND project = 'default' AND admin = 1 AND revoked_at IS NULL;
`;
