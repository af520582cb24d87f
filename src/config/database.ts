import { z } from 'zod';

/**
 * `[database]`: where the store lives. Empty `url` keeps the embedded default (the SQLite file in
 * data_dir); a `postgres://` URL lets several nodes share one database.
 */
export const database = z
  .object({
    /** Empty: `<data_dir>/voicereel.db`. Or `postgres://user@host:5432/voicereel` (VR_DATABASE_URL overrides). */
    url: z
      .string()
      .default('')
      .refine(
        (v) => v === '' || /^postgres(ql)?:\/\//.test(v),
        'must be empty (SQLite) or a postgres:// URL',
      ),
    /**
     * A file holding the PostgreSQL password (one line), read at start; or VR_DATABASE_PASSWORD. Keeps
     * the secret out of the URL and the config file.
     */
    password_file: z.string().default(''),
    /** Connections each node keeps open at most. */
    pool_size: z.number().int().min(1).max(500).default(10),
    /** `disable`, `require` (encrypted, server not verified) or `verify-full` (certificate and host name). */
    ssl: z.enum(['disable', 'require', 'verify-full']).default('disable'),
    /** CA certificate (PEM) for `verify-full`; empty: the system's trust store. */
    ssl_ca_file: z.string().default(''),
  })
  .strict();

export type DatabaseConfig = z.infer<typeof database>;
